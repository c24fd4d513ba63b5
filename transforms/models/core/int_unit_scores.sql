-- grain: one row per period and reporting unit with schools in it: school mean, supervision score, unit score, grade and rank among the ranked units (the unit scorecard adds the previous period's rank)
-- grain_zh: 每个统计周期每个有学校的报告单位一行：学校均分、督导得分、单位得分、等级和在参与排名单位中的名次（单位评分卡再补上期名次）
-- incremental: period
-- unique: period, unit_code
-- not_null: period, unit_code, unit_name, school_mean, score, grade, is_vetoed, n_schools
-- relationships: period -> core.dim_periods.period_id
-- relationships: unit_code -> core.dim_units.unit_code
-- expect: score between 0 and 100
-- expect: school_mean between 0 and 100
-- expect: supervision_score is null or supervision_score between 0 and 100
-- expect: rank is null or rank >= 1
-- title: 单位得分（不含上期名次） | unit scores (before the previous period's rank)
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
-- column: n_schools | 学校数 | schools
-- column: enrollment | 在校生数合计（截止日仍开办的学校） | students enrolled (schools still open on the as-of day)
-- column: is_ranked | 是否参与排名 | whether ranked
-- column: definition_edition | 指标体系版本 | definition edition
with schools as (
  select * from core.int_school_scores where period in (select period_id from core.int_build_periods)
),

indicator_values as (
  select * from marts.indicator_values where scope = 'unit' and period in (select period_id from core.int_build_periods)
),

periods as (
  select * from core.dim_periods where period_id in (select period_id from core.int_build_periods)
),

units as (
  select * from core.dim_units
),

editions as (
  select * from ref.definition_editions
),

separately_ranked as (
  select * from ref.separately_ranked_units
),

grade_bands as (
  select * from ref.grade_bands
),

-- each unit's schools as exact fractions in hundredths of a point: the plain mean and the mean weighted by pupil-days
-- (a pupil counts once a day: a merged school's pupils weigh in it until it closed and in the absorbing school after)
school_means as (
  select
    schools.period,
    schools.unit_code,
    any_value(schools.definition_edition) as definition_edition,
    count(*) as n_schools,
    count(*) filter (where schools.is_vetoed) as n_vetoed_schools,
    -- the pupils on the as-of day: a school that closed before it has none left
    sum(schools.enrollment) filter (where schools.closed_on is null or schools.closed_on > periods.as_of_on) as enrollment,
    sum(cast(round(schools.score * 100) as hugeint)) as score_sum_hundredths,
    sum(cast(round(schools.score * 100) as hugeint) * schools.student_days) as weighted_score_sum_hundredths,
    sum(schools.student_days) as student_days
  from schools
  join periods on periods.period_id = schools.period
  group by schools.period, schools.unit_code
),

supervision as (
  select
    period,
    unit_code,
    sum(cast(round(points * 10000) as hugeint)) as earned_scaled,
    sum(cast(round(max_points * 10000) as hugeint)) as applicable_scaled
  from indicator_values
  group by all
),

combined as (
  select
    school_means.*,
    units.unit_name,
    units.is_ranked and separately_ranked.unit_code is null as is_ranked,
    -- the school mean as a fraction of hundredths of a point; no pupil-days known: the plain mean
    case when editions.school_aggregation = 'mean' or coalesce(school_means.student_days, 0) = 0
      then school_means.score_sum_hundredths else school_means.weighted_score_sum_hundredths
    end as school_mean_numerator,
    case when editions.school_aggregation = 'mean' or coalesce(school_means.student_days, 0) = 0
      then school_means.n_schools else school_means.student_days
    end as school_mean_denominator,
    -- the supervision score (100 × earned ÷ applicable) in hundredths of a point; null with nothing to judge
    case when supervision.applicable_scaled > 0 then 10000 * supervision.earned_scaled end as supervision_numerator,
    case when supervision.applicable_scaled > 0 then supervision.applicable_scaled end as supervision_denominator,
    cast(round(editions.school_weight * 10000) as hugeint) as school_weight_scaled,
    cast(round(editions.supervision_weight * 10000) as hugeint) as supervision_weight_scaled
  from school_means
  join units using (unit_code)
  join editions on editions.edition = school_means.definition_edition
  left join separately_ranked
    on separately_ranked.edition = school_means.definition_edition and separately_ranked.unit_code = school_means.unit_code
  left join supervision using (period, unit_code)
),

-- 85% schools + 15% supervision, combined exactly and rounded once, half up, to hundredths; a unit with no
-- supervision data to judge is scored on its schools alone. The school mean and supervision score shown are rounded for display only.
scored as (
  select
    *,
    (2 * school_mean_numerator + school_mean_denominator) // (2 * school_mean_denominator) / 100 as school_mean,
    (2 * supervision_numerator + supervision_denominator) // (2 * supervision_denominator) / 100 as supervision_score,
    case
      when supervision_numerator is null
        then (2 * school_mean_numerator + school_mean_denominator) // (2 * school_mean_denominator)
      else (
        2 * (school_weight_scaled * school_mean_numerator * supervision_denominator
             + supervision_weight_scaled * supervision_numerator * school_mean_denominator)
        + 10000 * school_mean_denominator * supervision_denominator
      ) // (2 * 10000 * school_mean_denominator * supervision_denominator)
    end as score_hundredths,
    score_hundredths / 100 as score,
    n_vetoed_schools > 0 as is_vetoed
  from combined
),

-- the band the score reaches; a unit with a vetoed school cannot get the barred grade and takes the next one down
banded as (
  select scored.*, band.grade as band_grade, band.sort_order as band_order
  from scored
  asof join grade_bands as band
    on band.edition = scored.definition_edition
   and scored.score >= band.min_score
),

graded as (
  select
    banded.*,
    case when banded.is_vetoed and barred.veto_id is not null then next_band.grade else banded.band_grade end as grade
  from banded
  left join (select edition, veto_id, unit_grade_barred from ref.vetoes) as barred
    on barred.edition = banded.definition_edition and barred.unit_grade_barred = banded.band_grade
  left join grade_bands as next_band
    on next_band.edition = banded.definition_edition and next_band.sort_order = banded.band_order + 1
  qualify row_number() over (partition by banded.period, banded.unit_code order by barred.veto_id) = 1
),

ranked as (
  select
    *,
    case when is_ranked then cast(rank() over (partition by period, is_ranked order by score_hundredths desc) as integer) end as rank
  from graded
),

final as (
  select
    ranked.period,
    ranked.unit_code,
    ranked.unit_name,
    ranked.school_mean,
    ranked.supervision_score,
    ranked.score,
    ranked.grade,
    ranked.is_vetoed,
    cast(ranked.n_vetoed_schools as integer) as n_vetoed_schools,
    ranked.rank,
    cast(ranked.n_schools as integer) as n_schools,
    ranked.enrollment,
    ranked.is_ranked,
    ranked.definition_edition
  from ranked
)

select * from final
