-- grain: one row per period and reporting unit with schools in it: school mean, supervision score, unit score, grade and rank among the ranked units
-- grain_zh: 每个统计周期每个有学校的报告单位一行：学校均分、督导得分、单位得分、等级和在参与排名单位中的名次
-- unique: period, unit_code
-- not_null: period, unit_code, unit_name, school_mean, score, grade, is_vetoed, n_schools
-- relationships: period -> core.dim_periods.period_id
-- relationships: unit_code -> core.dim_units.unit_code
-- expect: score between 0 and 100
-- expect: school_mean between 0 and 100
-- expect: supervision_score is null or supervision_score between 0 and 100
-- expect: rank is null or rank >= 1
-- title: 单位评分卡 | unit scorecard
-- column: period | 统计周期编号 | period id
-- column: unit_code | 单位代码 | unit code
-- column: unit_name | 单位名称 | unit name
-- column: school_mean | 所辖学校得分按学生人日加权平均（展示用，保留两位小数） | mean of its schools’ scores weighted by pupil-days (shown rounded to two decimals)
-- column: supervision_score | 督导指标得分（百分制，展示用，保留两位小数） | supervision score out of 100 (shown rounded to two decimals)
-- column: score | 单位得分 = 85% 学校均分 + 15% 督导得分（精确合成后四舍五入保留两位小数） | unit score = 85% school mean + 15% supervision (combined exactly, rounded half up to two decimals)
-- column: grade | 等级（有学校被一票否决的单位不得评为优秀） | grade (a unit with a vetoed school cannot be 优秀)
-- column: is_vetoed | 是否有学校被一票否决 | whether any of its schools is vetoed
-- column: n_vetoed_schools | 被否决学校数 | vetoed schools
-- column: rank | 名次（市直不排名） | rank (市直 unranked)
-- column: previous_rank | 上一周期名次 | rank in the previous period
-- column: rank_change | 名次变化（正数为上升） | rank change (positive = up)
-- column: n_schools | 学校数 | schools
-- column: enrollment | 在校生数合计（截止日仍开办的学校） | students enrolled (schools still open on the as-of day)
-- column: is_ranked | 是否参与排名 | whether ranked
-- column: definition_edition | 指标体系版本 | definition edition
with scores as (
  select * from core.int_unit_scores
),

periods as (
  select * from core.dim_periods
),

-- the rank in the previous period of the same kind
final as (
  select
    scores.period,
    scores.unit_code,
    scores.unit_name,
    scores.school_mean,
    scores.supervision_score,
    scores.score,
    scores.grade,
    scores.is_vetoed,
    scores.n_vetoed_schools,
    scores.rank,
    previous.rank as previous_rank,
    previous.rank - scores.rank as rank_change,
    scores.n_schools,
    scores.enrollment,
    scores.is_ranked,
    scores.definition_edition
  from scores
  join periods on periods.period_id = scores.period
  left join scores as previous
    on previous.period = periods.previous_period_id
   and previous.unit_code = scores.unit_code
)

select * from final
