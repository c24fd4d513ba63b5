/**
 * The two ranking tables of the appraisal as typed columns, shared by ranking.csv and
 * ranking.xlsx so both say the same thing in the same order.
 */
import type { AppraisalData } from './data.ts';

export type CellFormat = 'text' | 'integer' | 'score';
export type Cell = string | number | null;

export interface Column {
  header: string;
  format: CellFormat;
  /** Excel column width in characters. */
  width: number;
}

export interface RankingTable {
  name: string;
  columns: Column[];
  rows: Cell[][];
}

const col = (header: string, format: CellFormat, width: number): Column => ({ header, format, width });

export const SEPARATE_NOTE = '单独成组，不参与县区排名';

export function unitTable(data: AppraisalData): RankingTable {
  return {
    name: '单位排名',
    columns: [
      col('排名', 'integer', 6),
      col('单位代码', 'text', 10),
      col('单位名称', 'text', 18),
      col('综合得分', 'score', 10),
      col('等级', 'text', 8),
      col('学校得分（加权平均）', 'score', 12),
      col('督导得分', 'score', 10),
      col('上年排名', 'integer', 9),
      col('名次变化', 'integer', 9),
      col('一票否决学校数', 'integer', 10),
      col('学校数', 'integer', 8),
      col('在校生数', 'integer', 10),
      col('备注', 'text', 24),
    ],
    rows: data.units.map((u) => [
      u.rank,
      u.unit_code,
      u.unit_name,
      u.score,
      u.grade,
      u.school_mean,
      u.supervision_score,
      u.previous_rank,
      u.rank_change,
      u.n_vetoed_schools,
      u.n_schools,
      u.enrollment,
      u.rank === null ? SEPARATE_NOTE : u.is_vetoed ? '有学校被一票否决，不得评为优秀' : '',
    ]),
  };
}

export function schoolTable(data: AppraisalData): RankingTable {
  return {
    name: '学校排名',
    columns: [
      col('学段', 'text', 8),
      col('排名组', 'text', 8),
      col('排名', 'integer', 6),
      col('组内学校数', 'integer', 10),
      col('学校标识码', 'text', 13),
      col('学校名称', 'text', 24),
      col('所属单位', 'text', 16),
      col('得分', 'score', 8),
      col('等级', 'text', 8),
      col('上年排名', 'integer', 9),
      col('名次变化', 'integer', 9),
      ...data.domains.map((d) => col(`${d.domain_id} ${d.domain_name_zh}（${d.points}分）`, 'score', 12)),
      col('一票否决', 'text', 30),
    ],
    rows: data.schools.map((s) => [
      s.school_type,
      s.is_separately_ranked ? '市直' : '全市',
      s.rank,
      s.n_ranked,
      s.school_code,
      s.school_name,
      s.unit_name,
      s.score,
      s.grade,
      s.previous_rank,
      s.rank_change,
      ...s.points,
      s.veto_reason ?? '',
    ]),
  };
}

/** A cell as text: scores with 2 decimals, integers as they are, empty for null. */
export function cellText(value: Cell, format: CellFormat): string {
  if (value === null) return '';
  if (format === 'score' && typeof value === 'number') return value.toFixed(2);
  return String(value);
}
