-- grain: one row per period and school: points per domain, the score rescaled to 100 over applicable points, grade, vetoes and rank within school type
-- grain_zh: 每个统计周期的每所学校一行：各一级指标得分、按适用分值折算为百分制的得分、等级、一票否决和同学段名次
-- unique: period, school_code
-- not_null: period, school_code, school_name, unit_code, school_type, score, grade, is_vetoed, earned_points, applicable_points
-- relationships: period -> core.dim_periods.period_id
-- relationships: unit_code -> core.dim_units.unit_code
-- expect: score between 0 and 100
-- expect: earned_points <= applicable_points + 1e-9
-- expect: not is_vetoed or veto_reason is not null
-- expect: rank >= 1
-- title: 学校评分卡 | school scorecard
-- column: period | 统计周期编号 | period id
-- column: school_code | 学校标识码 | school code
-- column: school_name | 学校名称 | school name
-- column: unit_code | 所属单位代码 | unit code
-- column: school_type | 学校类型 | school type
-- column: enrollment | 在校生数（截止日登记） | students enrolled (as registered on the as-of day)
-- column: student_days | 学生人日：评价期内每日在校生数之和（单位均分的权重） | pupil-days in the school's window (its weight in the unit's mean)
-- column: closed_on | 撤销日期（截止日前撤销的学校只按开办日评价；否则为空） | date the school closed, if by the as-of day (it is judged on its open days only); empty otherwise
-- column: points_a | 隐患排查治理得分 | points earned in domain A (hazard management)
-- column: points_b | 人防技防得分 | points earned in domain B (guards and technical protection)
-- column: points_c | 消防与演练得分 | points earned in domain C (fire safety and drills)
-- column: points_d | 防溺水得分 | points earned in domain D (drowning prevention)
-- column: points_e | 防欺凌得分 | points earned in domain E (bullying prevention)
-- column: points_f | 心理健康得分 | points earned in domain F (mental health)
-- column: points_g | 预警处置得分 | points earned in domain G (alert handling)
-- column: points_h | 事故案件得分 | points earned in domain H (incidents)
-- column: earned_points | 各指标得分合计 | points earned
-- column: applicable_points | 适用指标满分合计（折算分母） | points of the applicable indicators (the rescaling base)
-- column: score | 得分：折算为百分制，精确计算后四舍五入保留两位小数 | score rescaled to 100, computed exactly and rounded half up to two decimals
-- column: grade | 等级：优秀、良好、合格、不合格（一票否决封顶为不合格） | grade: 优秀, 良好, 合格 or 不合格 (capped by a veto)
-- column: is_vetoed | 是否一票否决 | whether vetoed
-- column: veto_reason | 否决原因与案件编号 | veto rule and cases
-- column: rank | 同学段名次（并列同名次；市直学校单独排名） | rank within school type (ties share; 市直 ranked separately)
-- column: n_ranked | 同组参与排名的学校数 | schools ranked in the group
-- column: is_separately_ranked | 是否单独成组排名（市直） | ranked as a separate group (市直)
-- column: previous_rank | 上一周期名次 | rank in the previous period
-- column: rank_change | 名次变化（正数为上升） | rank change (positive = up)
-- column: n_indicators_ok | 有值指标数 | indicators measured
-- column: n_indicators_no_data | 无数据指标数 | indicators without data
-- column: n_indicators_not_applicable | 不适用指标数 | indicators not applicable
-- column: definition_edition | 指标体系版本 | definition edition
with scores as (
  select * from core.int_school_scores
),

periods as (
  select * from core.dim_periods
),

-- the rank in the previous period of the same kind, in the same type (a school that changed type is ranked anew)
final as (
  select
    scores.period,
    scores.school_code,
    scores.school_name,
    scores.unit_code,
    scores.school_type,
    scores.enrollment,
    scores.student_days,
    scores.closed_on,
    scores.points_a,
    scores.points_b,
    scores.points_c,
    scores.points_d,
    scores.points_e,
    scores.points_f,
    scores.points_g,
    scores.points_h,
    scores.earned_points,
    scores.applicable_points,
    scores.score,
    scores.grade,
    scores.is_vetoed,
    scores.veto_reason,
    scores.rank,
    scores.n_ranked,
    scores.is_separately_ranked,
    previous.rank as previous_rank,
    previous.rank - scores.rank as rank_change,
    scores.n_indicators_ok,
    scores.n_indicators_no_data,
    scores.n_indicators_not_applicable,
    scores.definition_edition
  from scores
  join periods on periods.period_id = scores.period
  left join scores as previous
    on previous.period = periods.previous_period_id
   and previous.school_code = scores.school_code
   and previous.school_type = scores.school_type
)

select * from final
