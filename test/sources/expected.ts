/**
 * What the six hand-made source fixtures (test/fixtures/sources/csv-utf8/*.csv, and the
 * same content in every other format) must land, worked out by hand from the files:
 * every raw row with every column, and every reject with its data row number (header
 * excluded) and reason. Ingest clock 2026-01-15 (Shanghai), PII salt SALT.
 */
import { idHash } from './helpers.ts';

export interface SourceExpectation {
  columns: string[];
  /** [row_number, ...columns]: the rows that land in raw.<source>, in row order. */
  landed: unknown[][];
  rejects: [number, string][];
}

const none = null;

export const EXPECTED: Record<string, SourceExpectation> = {
  // Chinese headers with a required-mark (*学校标识码), a unit in brackets (在校生数（人）), aliases
  // (办学类型, 临水), an extra column (校长) and no 教职工数 / 撤销日期 columns at all.
  schools: {
    columns: ['school_code', 'school_name', 'unit_code', 'school_type', 'ownership', 'enrollment', 'boarders', 'staff', 'guards', 'is_near_water', 'opened_on', 'closed_on', 'reported_on', 'extra'],
    landed: [
      [1, '2141010001', '魏都区实验一小', '411002', '小学', '公办', 1260, 0, none, 3, false, '1985-09-01', none, '2025-03-01', { 校长: '王建国' }],
      // vendor codes: type 21 = 小学, ownership 1 = 公办; 1990/9/1
      [2, '2141010002', '魏都区实验二小', '411002', '小学', '公办', 820, 0, none, 2, false, '1990-09-01', none, '2025-03-01', { 校长: '李红' }],
      // English enum label, 是, 2012年9月1日
      [3, '1141010003', '建安区阳光幼儿园', '411003', '幼儿园', '民办', 210, 0, none, 1, true, '2012-09-01', none, '2025-03-01', { 校长: null }],
      // "1,350" with a thousands separator, Y, 1978.9.1
      [4, '3141010004', '鄢陵县第一初级中学', '411024', '初中', '公办', 1350, 300, none, 4, true, '1978-09-01', none, '2025-03-01', { 校长: '赵刚' }],
      // type code 34, Excel serial 33117 = 1990-09-01, a 市直 school
      [5, '3441010005', '许昌市高级中学', '411000', '高中', '公办', 2400, 1800, none, 8, false, '1990-09-01', none, '2025-03-01', { 校长: null }],
      [6, '2141010006', '襄城县城关小学', '411025', '小学', '公办', 640, 0, none, 2, true, '1965-09-01', none, '2025-03-01', { 校长: null }],
      // its attached kindergarten shares the serial: 41010006 is ambiguous from here on
      [7, '1141010006', '襄城县城关小学附属幼儿园', '411025', '幼儿园', '公办', 180, 0, none, 1, true, '2001-09-01', none, '2025-03-01', { 校长: null }],
      // 41010003 lost its leading 11: exactly one known code ends with it
      [14, '1141010003', '建安区阳光幼儿园', '411003', '幼儿园', '民办', 230, 0, none, 1, true, '2012-09-01', none, '2025-09-01', { 校长: null }],
    ],
    rejects: [
      [8, 'duplicate_row'], // row 1 again, byte for byte
      [9, 'out_of_range'], // enrollment -5
      [10, 'out_of_range'], // enrollment 99999999999 (too big for an integer: must not abort the file)
      [11, 'missing_required'], // no school name
      [12, 'future_date'], // opened 2031-09-01
      [13, 'unknown_unit'], // 411099
      [15, 'bad_school_code'], // 41010006: 2141010006 or 1141010006
      [16, 'bad_enum'], // 九年一贯制
      [17, 'bad_date'], // 2025-02-30
    ],
  },

  // Chinese headers through aliases (检查单号, 学校代码, 隐患级别), extra 备注, no 复查结果 column.
  inspections: {
    columns: ['inspection_id', 'school_code', 'inspected_on', 'inspection_kind', 'item_code', 'result', 'hazard_level', 'hazard_text', 'due_on', 'rectified_on', 'recheck_result', 'inspector', 'extra'],
    landed: [
      // hazard level vendor code 7 = 一般; 2025/3/20 and 2025.3.18
      [1, 'J2501', '2141010001', '2025-03-05', '自查', 'XF01', '不合格', '一般', '消防通道堆放杂物', '2025-03-20', '2025-03-18', none, '张伟', { 备注: null }],
      [2, 'J2501', '2141010001', '2025-03-05', '自查', 'XF02', '合格', none, none, none, none, none, '张伟', { 备注: null }],
      // result vendor code 0 = 不合格; 2025年4月8日
      [3, 'J2502', '2141010002', '2025-04-08', '督查', 'XS02', '不合格', '一般', '楼梯扶手松动', '2025-04-30', none, none, '市督查组', { 备注: '待复查' }],
      // 41010001 repaired; kind code 3; "fail"; level code 5; a quoted comma; due date as Excel serial 45823
      [4, 'J2503', '2141010001', '2025-06-02', '联合检查', 'XF05', '不合格', '重大', '配电室私拉乱接,存在触电隐患', '2025-06-15', none, none, '联合检查组', { 备注: null }],
      [5, 'J2504', '1141010003', '2025-07-01', '自查', 'SP01', '不适用', none, none, none, none, none, '王芳', { 备注: null }],
      [6, 'J2504', '1141010003', '2025-07-01', '自查', 'SP02', '不适用', none, none, none, none, none, '王芳', { 备注: null }],
      [14, 'J2511', '3141010004', '2025-10-09', '自查', 'XF03', '不合格', '一般', '灭火器过期', '2025-10-20', '2025-10-15', none, '赵刚', { 备注: null }],
    ],
    rejects: [
      [7, 'bad_school_code'], // 41010006, ambiguous
      [8, 'unknown_school'], // 2141099999
      [9, 'missing_required'], // no school code
      [10, 'future_date'], // 2031-06-05
      [11, 'bad_date'], // 2025-06-31
      [12, 'bad_enum'], // 抽查
      [13, 'duplicate_row'], // row 2 again
    ],
  },

  // English headers, all aliases (school_id, type, time, state, reading, uom), extra firmware.
  sensors: {
    columns: ['device_id', 'school_code', 'device_type', 'event_at', 'status', 'value', 'value_unit', 'extra'],
    landed: [
      [1, 'YG-001', '2141010001', '烟感', '2025-03-05 10:05:00', '在线', none, none, { firmware: 'v1.2' }],
      // +08:00 offset, vendor code YG
      [2, 'YG-001', '2141010001', '烟感', '2025-03-05 10:07:00', '报警', 0.8, 'dB/m', { firmware: 'v1.2' }],
      // 02:10Z is 10:10 in Shanghai; status code 2 = 故障
      [3, 'SY-002', '3441010005', '消防水压', '2025-03-05 10:10:00', '故障', 0.35, 'MPa', { firmware: null }],
      // 2025年03月05日 10:05; status code 0 = 离线
      [4, 'YJ-003', '2141010002', '一键报警', '2025-03-05 10:05:00', '离线', none, none, { firmware: null }],
      // Excel serial 45721.5 = 2025-03-05 12:00
      [5, 'SP-004', '1141010003', '视频', '2025-03-05 12:00:00', '恢复', none, none, { firmware: null }],
      // "2025-03-06 09:30:00+09:00" (space before the time, offset +09) is 08:30 in Shanghai
      [12, 'DQ-009', '3141010004', '电气火灾监测', '2025-03-06 08:30:00', '在线', 0.12, 'A', { firmware: null }],
    ],
    rejects: [
      [6, 'bad_enum'], // DOOR
      [7, 'bad_number'], // abc
      [8, 'bad_date'], // 25:00:00
      [9, 'duplicate_row'], // row 1 again
      [10, 'missing_required'], // no device id
      [11, 'future_date'], // 2027-01-01
    ],
  },

  // Chinese and English headers mixed, student name / ID number / phone (PII), extra camera_id.
  alerts: {
    columns: ['alert_id', 'school_code', 'origin', 'category', 'level', 'raised_at', 'acknowledged_at', 'closed_at', 'disposition', 'handler', 'student_id_number_hash', 'extra'],
    landed: [
      [1, 'A001', '2141010001', '视频AI', '打架', '红', '2025-03-05 10:05:00', '2025-03-05 10:07:00', '2025-03-05 11:00:00', '真实', '李老师', idHash('41100220120305123X'), { camera_id: 'CAM-01' }],
      // voice_ai; level II = 橙
      [2, 'A002', '2141010001', '语音AI', '求救词', '橙', '2025-03-05 10:05:00', none, none, none, none, none, { camera_id: null }],
      // fire_iot; level 3 = 黄; false_alarm = 误报
      [3, 'A003', '2141010002', '消防物联', '烟雾', '黄', '2025-03-06 08:00:00', '2025-03-06 08:03:00', '2025-03-06 09:00:00', '误报', '赵工', none, { camera_id: null }],
      // Ⅳ (the Roman numeral character) = 蓝
      [4, 'A004', '3441010005', '心理', '心理危机', '蓝', '2025-04-01 09:00:00', '2025-04-01 09:20:00', none, none, none, idHash('411002201001011234'), { camera_id: null }],
      // 蓝色, duplicate = 重复
      [10, 'A009', '2141010006', '视频AI', '拥挤', '蓝', '2025-09-01 07:50:00', '2025-09-01 07:51:00', '2025-09-01 08:10:00', '重复', '孙老师', idHash('411024201105051111'), { camera_id: 'CAM-07' }],
    ],
    rejects: [
      [5, 'bad_enum'], // 紫
      [6, 'future_date'], // 2031
      [7, 'missing_required'], // no origin
      [8, 'bad_school_code'], // 41010006
      [9, 'duplicate_row'], // row 3 again
    ],
  },

  // Chinese headers through aliases (事发时间, 结案时间, 当事学生, 学生身份证号), PII, no extras.
  cases: {
    columns: ['case_id', 'school_code', 'occurred_at', 'reported_at', 'category', 'severity', 'n_injured', 'n_deaths', 'investigation_closed_at', 'status', 'accountability', 'student_id_number_hash', 'extra'],
    landed: [
      // ID number ends in a lower-case x: the same student as alert A001, the same hash
      [1, 'C001', '2141010001', '2025-04-01 16:30:00', '2025-04-01 18:00:00', '欺凌', '一般', 1, 0, '2025-04-08 17:00:00', '已结案', '约谈', idHash('41100220120305123X'), none],
      // 2025/7/10 15:00; drowning; severity code 3 = 较大
      [2, 'C002', '3141010004', '2025-07-10 15:00:00', '2025-07-11 20:00:00', '溺水', '较大', 0, 1, none, '处理中', none, idHash('411024201105051111'), none],
      // 2025年05月01日 10:00; injury; IV = 一般; closed; none
      [3, 'C003', '2141010002', '2025-05-01 10:00:00', '2025-05-01 10:30:00', '意外伤害', '一般', 2, 0, '2025-05-03 12:00:00', '已结案', '无', none, none],
      // ISO with +08:00; Ⅱ = 重大; open
      [11, 'C010', '2141010006', '2025-06-20 14:00:00', '2025-06-20 15:30:00', '火灾', '重大', 0, 0, none, '处理中', '通报', none, none],
    ],
    rejects: [
      [4, 'out_of_range'], // injured -1
      [5, 'out_of_range'], // injured 9999
      [6, 'bad_number'], // 两人
      [7, 'bad_enum'], // 轻微
      [8, 'missing_required'], // no occurred time
      [9, 'future_date'], // reported 2031
      [10, 'duplicate_row'], // row 3 again
    ],
  },

  // English headers through aliases (unit, date, kind, subject, action, …, remark), extra organizer.
  activities: {
    columns: ['activity_id', 'school_code', 'unit_code', 'activity_on', 'activity_kind', 'topic', 'supervision_action', 'n_participants', 'n_sent', 'n_returned', 'n_screened', 'n_warned', 'n_tracked', 'target_school_code', 'deadline_on', 'replied_on', 'note', 'extra'],
    landed: [
      [1, 'H001', '2141010001', none, '2025-03-10', '应急演练', none, none, 820, none, none, none, none, none, none, none, none, '春季疏散演练', { organizer: '校安办' }],
      [2, 'H002', '2141010001', none, '2025-05-20', '安全教育课', '防溺水', none, 800, none, none, none, none, none, none, none, none, none, { organizer: null }],
      [3, 'H003', '2141010002', none, '2025-06-20', '告知书', '防溺水', none, none, 820, 800, none, none, none, none, none, none, none, { organizer: null }],
      [4, 'H004', '3141010004', none, '2025-10-10', '心理测评', none, none, none, none, none, 1350, 12, 12, none, none, none, none, { organizer: '心理中心' }],
      // a unit's supervision action on a school, with deadline and reply
      [5, 'H005', none, '411002', '2025-09-15', '督导', none, '交办函', none, none, none, none, none, none, '2141010002', '2025-09-30', '2025-09-28', '消防通道整改', { organizer: '市教育局' }],
      // the target school's code lost its leading 21: repaired
      [12, 'H011', none, '411025', '2025-11-05', '督导', none, '提示函', none, none, none, none, none, none, '2141010001', '2025-11-20', none, none, { organizer: null }],
    ],
    rejects: [
      [6, 'unknown_unit'], // 411099
      [7, 'bad_enum'], // 家长会
      [8, 'out_of_range'], // participants -3
      [9, 'bad_school_code'], // target 41010006
      [10, 'missing_required'], // no date
      [11, 'duplicate_row'], // row 3 again
    ],
  },
};

/** The rows of `raw.<source>` as EXPECTED writes them: [row_number, ...columns]. */
export function asTuples(rows: Record<string, unknown>[], columns: string[]): unknown[][] {
  return rows.map((row) => [row.row_number, ...columns.map((c) => row[c])]);
}
