-- grain: one row per period and reporting unit with schools in it: school mean, supervision score, unit score, grade and rank among the ranked units
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
-- column: school_mean | 所辖学校得分按在校生数加权平均 | enrollment-weighted mean of its schools’ scores
-- column: supervision_score | 督导指标得分（百分制） | supervision score (out of 100)
-- column: score | 单位得分 = 85% 学校均分 + 15% 督导得分 | unit score = 85% school mean + 15% supervision
-- column: grade | 等级（有学校被一票否决的单位不得评为优秀） | grade (a unit with a vetoed school cannot be 优秀)
-- column: is_vetoed | 是否有学校被一票否决 | whether any of its schools is vetoed
-- column: n_vetoed_schools | 被否决学校数 | vetoed schools
-- column: rank | 名次（市直不排名） | rank (市直 unranked)
-- column: previous_rank | 上一周期名次 | rank in the previous period
-- column: rank_change | 名次变化（正数为上升） | rank change (positive = up)
-- column: n_schools | 学校数 | schools
-- column: enrollment | 在校生数合计 | students enrolled
-- column: is_ranked | 是否参与排名 | whether ranked
-- column: definition_edition | 指标体系版本 | definition edition
with schools as (
  select * from marts.school_scorecard
),

indicator_values as (
  select * from marts.indicator_values where scope = 'unit'
),

periods as (
  select * from core.dim_periods
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

school_means as (
  select
    schools.period,
    schools.unit_code,
    any_value(schools.definition_edition) as definition_edition,
    count(*) as n_schools,
    count(*) filter (where schools.is_vetoed) as n_vetoed_schools,
    sum(schools.enrollment) as enrollment,
    cast(sum(cast(schools.score as decimal(18, 2))) as double) / count(*) as plain_mean,
    -- schools weighted by their students; a unit whose schools report no enrollment falls back to the plain mean
    case when sum(coalesce(schools.enrollment, 0)) > 0
      -- scores carry 2 decimals: exact decimal sums, independent of the order of aggregation
      then cast(sum(cast(schools.score as decimal(18, 2)) * coalesce(schools.enrollment, 0)) as double) / sum(coalesce(schools.enrollment, 0))
    end as weighted_mean
  from schools
  group by schools.period, schools.unit_code
),

supervision as (
  select
    period,
    unit_code,
    cast(sum(cast(points as decimal(18, 4))) as double) as earned_points,
    sum(max_points) as applicable_points
  from indicator_values
  group by all
),

combined as (
  select
    school_means.*,
    units.unit_name,
    units.is_ranked and separately_ranked.unit_code is null as is_ranked,
    round(
      case editions.school_aggregation
        when 'mean' then school_means.plain_mean
        else coalesce(school_means.weighted_mean, school_means.plain_mean)
      end, 2) as school_mean,
    case when supervision.applicable_points > 0
      then round(100 * supervision.earned_points / supervision.applicable_points, 2)
    end as supervision_score,
    editions.school_weight,
    editions.supervision_weight
  from school_means
  join units using (unit_code)
  join editions on editions.edition = school_means.definition_edition
  left join separately_ranked
    on separately_ranked.edition = school_means.definition_edition and separately_ranked.unit_code = school_means.unit_code
  left join supervision using (period, unit_code)
),

scored as (
  select
    *,
    -- 85% schools + 15% supervision; a unit with no supervision data to judge is scored on its schools alone
    round(case when supervision_score is null then school_mean
      else school_weight * school_mean + supervision_weight * supervision_score end, 2) as score,
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
    case when is_ranked then cast(rank() over (partition by period, is_ranked order by score desc) as integer) end as rank
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
    previous.rank as previous_rank,
    previous.rank - ranked.rank as rank_change,
    cast(ranked.n_schools as integer) as n_schools,
    ranked.enrollment,
    ranked.is_ranked,
    ranked.definition_edition
  from ranked
  join periods on periods.period_id = ranked.period
  left join ranked as previous
    on previous.period = periods.previous_period_id
   and previous.unit_code = ranked.unit_code
)

select * from final
