/**
 * The six source contracts (DOMAIN.md §4) as data. Header aliases cover the Chinese and
 * English spellings seen in the bureau's exports; enum aliases carry the vendor codes.
 */
import type { ColumnContract, ColumnType, EnumValue, SourceContract, SourceName } from './contract.ts';

type ColumnOptions = Partial<Omit<ColumnContract, 'name' | 'type' | 'zh'>>;

function col(name: string, type: ColumnType, zh: string, options: ColumnOptions = {}): ColumnContract {
  return { name, type, zh, required: false, aliases: [], ...options };
}

/** Before this, a date in an export is a typo or a placeholder (1900-01-01), not an event of the system's lifetime. */
const EARLIEST_DATE = '2000-01-01';
/** A registry's history (a school opened in 1952) reaches further back. */
const EARLIEST_REGISTRY_DATE = '1900-01-01';

function values(...entries: [string, ...string[]][]): EnumValue[] {
  return entries.map(([value, ...aliases]) => ({ value, aliases }));
}

const schoolCode = (required = true) =>
  col('school_code', 'school_code', '学校标识码', { required, aliases: ['学校代码', '学校编码', 'school_id', 'school'] });

/** The two-digit codes are also a school code's first two digits (DOMAIN.md §3): a registry without a type column takes it from there. */
export const SCHOOL_TYPES = values(
  ['幼儿园', '11', 'kindergarten', '学前', '学前教育'],
  ['小学', '21', 'primary', '普通小学'],
  ['初中', '31', 'junior', 'junior_secondary', '初级中学', '普通初中'],
  ['高中', '34', 'senior', 'senior_secondary', '高级中学', '普通高中'],
  ['中职', '36', 'vocational', '中等职业学校', '中等职业教育', '职业高中', '职高'],
  ['特教', '51', 'special', '特殊教育', '特殊教育学校'],
);

/** Every way the exports write yes and no (full-width letters are folded before the lookup). */
export const YES_NO = values(['是', 'y', 'yes', 'true', '1', '有', '√', '✓', '✔'], ['否', 'n', 'no', 'false', '0', '无', '×', '✗', '✘']);

/** A county as the registries write it: its code, its name (with or without the city), or its 12-digit 行政区划代码. */
const UNIT_HEADERS = ['所属县区', '所属区县', '县区', '区县', '所在县区', '县（市、区）', '行政区划代码', '区划代码'];

const schools: SourceContract = {
  source: 'schools',
  zh: '学校基础信息',
  grain: "one row per school per registry report: the school's registry state on reported_on",
  naturalKey: ['school_code', 'reported_on'],
  earliestDate: EARLIEST_DATE,
  columns: [
    schoolCode(),
    col('school_name', 'text', '学校名称', { required: true, aliases: ['名称', 'name'] }),
    col('unit_code', 'unit_code', '所属区县代码', { required: true, aliases: ['区县代码', '县区代码', 'county_code', 'unit', ...UNIT_HEADERS] }),
    col('school_type', 'enum', '学校类型', {
      required: true,
      aliases: ['办学类型', '学段', '学校类别', 'type'],
      enum: SCHOOL_TYPES,
      derivedFrom: 'school_type_from_code',
    }),
    col('ownership', 'enum', '办学性质', {
      aliases: ['公办民办', 'ownership_type'],
      enum: values(['公办', '1', 'public'], ['民办', '2', 'private']),
    }),
    col('enrollment', 'integer', '在校生数', { required: true, min: 0, max: 20000, aliases: ['学生数', 'students'] }),
    col('boarders', 'integer', '住宿生数', { min: 0, max: 20000, aliases: ['寄宿生数'] }),
    col('staff', 'integer', '教职工数', { min: 0, max: 3000, aliases: ['教职工'] }),
    col('guards', 'integer', '专职保安数', { min: 0, max: 200, aliases: ['保安数', 'security_guards'] }),
    col('is_near_water', 'boolean', '是否临水', { aliases: ['临水', 'near_water'], enum: YES_NO }),
    col('opened_on', 'date', '建校日期', { aliases: ['开办日期', 'opened'], earliest: EARLIEST_REGISTRY_DATE }),
    col('closed_on', 'date', '撤销日期', { aliases: ['停办日期', 'closed'], earliest: EARLIEST_REGISTRY_DATE }),
    col('reported_on', 'date', '填报日期', { required: true, aliases: ['统计日期', '统计时间', '截至日期', 'as_of', 'report_date'], derivedFrom: 'as_of' }),
  ],
};

export const HAZARD_LEVELS = values(['一般', '7', 'general', 'minor'], ['较大', '6', 'serious'], ['重大', '5', 'major']);

const inspections: SourceContract = {
  source: 'inspections',
  zh: '安全检查记录',
  grain: 'one row per checklist item checked in one inspection',
  naturalKey: ['inspection_id', 'item_code'],
  earliestDate: EARLIEST_DATE,
  columns: [
    col('inspection_id', 'text', '检查编号', { required: true, aliases: ['检查单号', 'inspection_no'] }),
    schoolCode(),
    col('inspected_on', 'date', '检查日期', { required: true, aliases: ['检查时间', 'inspection_date'] }),
    col('inspection_kind', 'enum', '检查类型', {
      required: true,
      aliases: ['检查方式', 'kind'],
      enum: values(['自查', '1', 'self'], ['督查', '2', 'supervision'], ['联合检查', '3', 'joint']),
    }),
    col('item_code', 'text', '检查项编码', { required: true, aliases: ['检查项', 'item'] }),
    col('result', 'enum', '检查结果', {
      required: true,
      aliases: ['结果', 'check_result'],
      enum: values(['合格', '1', 'pass', '是'], ['不合格', '0', 'fail', '否'], ['不适用', '9', 'n/a', 'na']),
    }),
    col('hazard_level', 'enum', '隐患等级', { aliases: ['隐患级别', 'level'], enum: HAZARD_LEVELS }),
    col('hazard_text', 'text', '隐患描述', { aliases: ['问题描述', 'hazard'], freeText: true }),
    col('due_on', 'date', '整改期限', { aliases: ['整改时限', 'due_date'] }),
    col('rectified_on', 'date', '整改完成日期', { aliases: ['整改日期', 'rectified_date'] }),
    col('recheck_result', 'enum', '复查结果', {
      aliases: ['复查', 'recheck'],
      enum: values(['合格', '1', 'pass'], ['不合格', '0', 'fail']),
    }),
    col('inspector', 'text', '检查人', { aliases: ['检查人员'] }),
  ],
};

export const DEVICE_TYPES = values(
  ['烟感', 'smoke', 'YG'],
  ['电气火灾监测', 'electrical_fire', 'DQ'],
  ['消防水压', 'hydrant_pressure', 'SY'],
  ['一键报警', 'one_key_alarm', 'YJ'],
  ['视频', 'camera', 'SP'],
  ['周界', 'perimeter', 'ZJ'],
);

const sensors: SourceContract = {
  source: 'sensors',
  zh: '物联设备状态',
  grain: 'one row per device status event',
  naturalKey: ['device_id', 'event_at', 'status'],
  earliestDate: EARLIEST_DATE,
  columns: [
    col('device_id', 'text', '设备编号', { required: true, aliases: ['设备ID', 'device'] }),
    schoolCode(),
    col('device_type', 'enum', '设备类型', { required: true, aliases: ['类型', 'type'], enum: DEVICE_TYPES }),
    col('event_at', 'datetime', '事件时间', { required: true, aliases: ['时间', 'time', 'ts'] }),
    col('status', 'enum', '状态', {
      required: true,
      aliases: ['设备状态', 'state'],
      enum: values(['在线', 'online', '1'], ['离线', 'offline', '0'], ['故障', 'fault', '2'], ['报警', 'alarm', '3'], ['恢复', 'restore', '4']),
    }),
    col('value', 'number', '数值', { aliases: ['读数', 'reading'] }),
    col('value_unit', 'text', '单位', { aliases: ['unit_of_measure', 'uom'] }),
  ],
};

export const ALERT_LEVELS = values(
  ['红', '红色', 'red', 'I', 'Ⅰ', '1', '高'],
  ['橙', '橙色', 'orange', 'II', 'Ⅱ', '2', '中'],
  ['黄', '黄色', 'yellow', 'III', 'Ⅲ', '3', '低'],
  ['蓝', '蓝色', 'blue', 'IV', 'Ⅳ', '4'],
);

const alerts: SourceContract = {
  source: 'alerts',
  zh: '预警告警记录',
  grain: 'one row per alert raised by a platform',
  naturalKey: ['alert_id'],
  earliestDate: EARLIEST_DATE,
  columns: [
    col('alert_id', 'text', '告警编号', { required: true, aliases: ['预警编号', 'alert'] }),
    schoolCode(),
    col('origin', 'enum', '来源', {
      required: true,
      aliases: ['告警来源', 'source_system'],
      enum: values(['视频AI', 'video_ai'], ['语音AI', 'voice_ai'], ['消防物联', 'fire_iot'], ['巡查', 'patrol'], ['心理', 'mental_health']),
    }),
    col('category', 'text', '告警类型', { required: true, aliases: ['类型', 'alert_type'] }),
    col('level', 'enum', '级别', { required: true, aliases: ['告警级别', 'severity'], enum: ALERT_LEVELS }),
    col('raised_at', 'datetime', '发生时间', { required: true, aliases: ['告警时间', 'raised'] }),
    col('acknowledged_at', 'datetime', '认领时间', { aliases: ['响应时间', 'acknowledged'] }),
    col('closed_at', 'datetime', '关闭时间', { aliases: ['处置完成时间', 'closed'] }),
    col('disposition', 'enum', '处置结果', {
      aliases: ['结果', 'result'],
      enum: values(['真实', 'true', 'confirmed'], ['误报', 'false_alarm', 'false'], ['重复', 'duplicate']),
    }),
    col('handler', 'text', '处置人', { aliases: ['处理人'] }),
    col('student_name', 'text', '学生姓名', { aliases: ['涉及学生'], pii: 'drop' }),
    col('student_id_number', 'text', '身份证号', { aliases: ['学生身份证号', 'id_number'], pii: 'hash' }),
    col('contact_phone', 'text', '联系电话', { aliases: ['家长电话', 'phone'], pii: 'drop' }),
  ],
};

export const CASE_CATEGORIES = values(
  ['欺凌', 'bullying'],
  ['溺水', 'drowning'],
  ['意外伤害', 'injury'],
  ['火灾', 'fire'],
  ['交通', 'traffic'],
  ['食品安全', 'food_safety'],
  ['性侵害', 'sexual_harm'],
  ['校园侵害', 'intrusion'],
  ['心理危机', 'crisis'],
);

const cases: SourceContract = {
  source: 'cases',
  zh: '事故案件',
  grain: 'one row per incident case',
  naturalKey: ['case_id'],
  earliestDate: EARLIEST_DATE,
  columns: [
    col('case_id', 'text', '案件编号', { required: true, aliases: ['事件编号', 'case'] }),
    schoolCode(),
    col('occurred_at', 'datetime', '发生时间', { required: true, aliases: ['事发时间', 'occurred'] }),
    col('reported_at', 'datetime', '上报时间', { required: true, aliases: ['报告时间', 'reported'] }),
    col('category', 'enum', '类别', { required: true, aliases: ['案件类别', 'case_type'], enum: CASE_CATEGORIES }),
    col('severity', 'enum', '等级', {
      required: true,
      aliases: ['事故等级', 'level'],
      enum: values(['一般', '4', 'IV', 'Ⅳ'], ['较大', '3', 'III', 'Ⅲ'], ['重大', '2', 'II', 'Ⅱ'], ['特别重大', '1', 'I', 'Ⅰ']),
    }),
    col('n_injured', 'integer', '受伤人数', { min: 0, max: 500, aliases: ['伤', 'injured'] }),
    col('n_deaths', 'integer', '死亡人数', { min: 0, max: 500, aliases: ['亡', 'deaths'] }),
    col('investigation_closed_at', 'datetime', '调查结束时间', { aliases: ['结案时间', 'closed'] }),
    col('status', 'enum', '状态', {
      aliases: ['办理状态', 'case_status'],
      enum: values(['处理中', 'open', '0'], ['已结案', 'closed', '1']),
    }),
    col('accountability', 'enum', '问责', {
      aliases: ['问责方式'],
      enum: values(['无', 'none'], ['约谈', 'interview'], ['通报', 'notice'], ['处分', 'sanction']),
    }),
    col('student_name', 'text', '学生姓名', { aliases: ['当事学生'], pii: 'drop' }),
    col('student_id_number', 'text', '身份证号', { aliases: ['学生身份证号', 'id_number'], pii: 'hash' }),
    col('guardian_phone', 'text', '监护人电话', { aliases: ['家长电话', 'phone'], pii: 'drop' }),
  ],
};

export const ACTIVITY_KINDS = values(
  ['应急演练', 'drill'],
  ['安全教育课', 'safety_lesson'],
  ['告知书', 'parent_letter'],
  ['欺凌调查', 'bullying_survey'],
  ['心理测评', 'mental_screening'],
  ['心理课', 'mental_course'],
  ['水域巡查', 'water_patrol'],
  ['安全责任书', 'responsibility_letter'],
  ['督导', 'supervision'],
);

const activities: SourceContract = {
  source: 'activities',
  zh: '专项工作记录',
  grain: 'one row per programme activity logged by a school or a unit',
  naturalKey: ['activity_id'],
  earliestDate: EARLIEST_DATE,
  // a school logs its own activities, a county its supervision: a row names one or the other
  oneOf: [['school_code', 'unit_code']],
  columns: [
    col('activity_id', 'text', '活动编号', { required: true, aliases: ['记录编号', 'activity'] }),
    schoolCode(false),
    col('unit_code', 'unit_code', '区县代码', { aliases: ['所属区县代码', 'county_code', 'unit', ...UNIT_HEADERS] }),
    col('activity_on', 'date', '日期', { required: true, aliases: ['活动日期', 'date'] }),
    col('activity_kind', 'enum', '活动类型', { required: true, aliases: ['类型', 'kind'], enum: ACTIVITY_KINDS }),
    col('topic', 'enum', '主题', {
      aliases: ['教育主题', 'subject'],
      enum: values(['防溺水', 'drowning'], ['防欺凌', 'bullying'], ['消防', 'fire'], ['交通', 'traffic'], ['心理健康', 'mental_health'], ['综合', 'general']),
    }),
    col('supervision_action', 'enum', '督导类型', {
      aliases: ['督导方式', 'action'],
      enum: values(['约谈', 'interview'], ['交办函', 'assignment_letter'], ['提示函', 'reminder_letter'], ['处罚', 'penalty']),
    }),
    col('n_participants', 'integer', '参与人数', { min: 0, max: 50000, aliases: ['participants'] }),
    col('n_sent', 'integer', '发放数', { min: 0, max: 50000, aliases: ['告知书发放数', 'sent'] }),
    col('n_returned', 'integer', '回执数', { min: 0, max: 50000, aliases: ['回执回收数', 'returned'] }),
    col('n_screened', 'integer', '测评人数', { min: 0, max: 50000, aliases: ['screened'] }),
    col('n_warned', 'integer', '预警人数', { min: 0, max: 50000, aliases: ['warned'] }),
    col('n_tracked', 'integer', '跟踪人数', { min: 0, max: 50000, aliases: ['建立跟踪档案人数', 'tracked'] }),
    col('target_school_code', 'school_code', '督导对象学校', { aliases: ['被督导学校', 'target_school'] }),
    col('deadline_on', 'date', '反馈期限', { aliases: ['期限', 'deadline'] }),
    col('replied_on', 'date', '反馈日期', { aliases: ['回复日期', 'replied'] }),
    col('note', 'text', '备注', { aliases: ['说明', 'remark'], freeText: true }),
  ],
};

export const CONTRACTS: Record<SourceName, SourceContract> = { schools, inspections, sensors, alerts, cases, activities };
