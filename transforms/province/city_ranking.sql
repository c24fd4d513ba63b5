-- grain: one row per city that published its snapshot for the year with the expected definition edition: its score, grade and rank among the province's cities
-- grain_zh: 每个按要求发布了年度快照的市一行：市得分、等级和全省名次
-- The score is the enrollment-weighted mean of its units' scores (every unit with schools, 市直 included):
-- summed exactly in hundredths and rounded once, half up. A unit whose schools all closed by the year's
-- end (no enrollment) weighs nothing. A city with a vetoed school in any unit cannot get the barred grade.
with unit_scores as (
  select * from province.unit_scores
),

cities as (
  select * from province.cities where status = 'published'
),

bands as (
  select * from province.grade_bands
),

totals as (
  select
    unit_scores.city_code,
    sum(cast(round(unit_scores.score * 100) as hugeint) * coalesce(unit_scores.enrollment, 0)) as weighted_hundredths,
    sum(coalesce(unit_scores.enrollment, 0)) as enrollment,
    count(*) as n_units,
    sum(unit_scores.n_schools) as n_schools,
    count(*) filter (where unit_scores.is_vetoed) as n_vetoed_units
  from unit_scores
  group by unit_scores.city_code
),

scored as (
  select
    totals.*,
    (2 * totals.weighted_hundredths + totals.enrollment) // (2 * totals.enrollment) as score_hundredths
  from totals
  where totals.enrollment > 0
),

banded as (
  select scored.*, band.grade as band_grade, band.sort_order as band_order
  from scored
  asof join bands as band
    on scored.score_hundredths >= band.min_hundredths
),

graded as (
  select
    banded.*,
    case when banded.n_vetoed_units > 0 and banded.band_grade = barred.grade then next_band.grade else banded.band_grade end as grade
  from banded
  cross join (select city_grade_barred as grade from province.rollup) as barred
  left join bands as next_band
    on next_band.sort_order = banded.band_order + 1
),

final as (
  select
    cast((select year from province.rollup) as varchar) as period,
    graded.city_code,
    cities.city_name,
    cast(graded.score_hundredths / 100 as decimal(5, 2)) as score,
    graded.grade,
    graded.n_vetoed_units > 0 as is_vetoed,
    cast(graded.n_vetoed_units as integer) as n_vetoed_units,
    cast(graded.n_units as integer) as n_units,
    cast(graded.n_schools as integer) as n_schools,
    cast(graded.enrollment as bigint) as enrollment,
    cast(rank() over (order by graded.score_hundredths desc) as integer) as rank
  from graded
  join cities on cities.city_code = graded.city_code
)

select * from final
