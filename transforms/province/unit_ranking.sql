-- grain: one ranked unit (county, district, county-level city or functional zone; 市直 is not ranked) of a city in the city ranking: its score and grade as its city's snapshot has them, its rank in its city and across the province
-- grain_zh: 全省各市参与排名的县区每个一行：所在市快照中的单位得分与等级、市内名次和全省名次
with unit_scores as (
  select * from province.unit_scores
),

ranked_cities as (
  select * from province.city_ranking
),

final as (
  select
    unit_scores.period,
    unit_scores.city_code,
    ranked_cities.city_name,
    unit_scores.unit_code,
    unit_scores.unit_name,
    unit_scores.score,
    unit_scores.grade,
    unit_scores.is_vetoed,
    unit_scores.n_vetoed_schools,
    unit_scores.n_schools,
    unit_scores.enrollment,
    unit_scores.city_rank,
    cast(rank() over (order by cast(round(unit_scores.score * 100) as hugeint) desc) as integer) as rank
  from unit_scores
  join ranked_cities on ranked_cities.city_code = unit_scores.city_code
  where unit_scores.is_ranked
)

select * from final
