/**
 * School names the way a city's registry (Xuchang's, first) spells them: urban schools after roads and
 * ordinals (魏都区建设路小学, 许昌市第三高级中学), rural ones after their town and village
 * (禹州市花石镇李庄小学). Names are unique within the city.
 */
import type { Rng } from './random.ts';
import type { Unit } from './reference.ts';
import type { SchoolType } from './registry.ts';

const PLACES = [
  '建设路', '文峰路', '七一路', '劳动路', '八一路', '东大街', '西大街', '南关', '北关', '新兴路', '学院路', '前进路',
  '毓秀路', '魏武大道', '瑞祥路', '颍川', '天宝路', '永昌路', '灞陵', '芙蓉', '丁庄', '高桥营', '半截河', '尚集',
  '苏桥', '将官池', '五女店', '陈曹', '桂村', '椹涧', '河街', '北海', '曹魏', '许都', '清潩河', '东湖', '西湖',
];

const TOWNS: Record<string, string[]> = {
  '411024': ['城关', '柏梁', '陈化店', '望田', '马栏', '彭店', '陶城', '张桥', '只乐', '南坞', '大马', '马坊'],
  '411025': ['城关', '王洛', '紫云', '库庄', '麦岭', '颍桥', '茨沟', '湛北', '双庙', '山头店', '十里铺', '姜庄'],
  '411081': ['神垕', '方山', '鸠山', '浅井', '花石', '顺店', '古城', '火龙', '磨街', '文殊', '鸿畅', '郭连', '范坡', '无梁', '小吕'],
  '411082': ['后河', '石固', '老城', '坡胡', '大周', '和尚桥', '佛耳湖', '增福', '官亭', '董村', '石象', '南席'],
  '411003': ['灵井', '陈曹', '蒋李集', '张潘', '椹涧', '五女店', '艾庄', '河街', '小召', '榆林'],
  '411103': ['孟庙', '商桥', '裴城', '新店', '龙城', '李集', '黑龙潭'],
  '411104': ['邓襄', '万金', '老窝', '召陵', '后谢', '青年'],
  '411121': ['北舞渡', '吴城', '孟寨', '辛安', '莲花', '保和', '章化', '马村', '太尉', '侯集', '九街', '文峰'],
  '411122': ['繁城', '杜曲', '王岗', '台陈', '巨陵', '瓦店', '三家店', '窝城', '大郭', '王孟', '陈庄', '石桥'],
  '411203': ['大营', '原店', '西张村', '观音堂', '张湾', '菜园', '张汴', '店子', '西李村', '宫前', '硖石'],
  '411221': ['英豪', '张村', '洪阳', '天池', '仰韶', '南村', '果园', '陈村', '坡头', '段村'],
  '411224': ['官道口', '朱阳关', '杜关', '五里川', '官坡', '范里', '东明', '双龙湾', '文峪', '横涧', '汤河', '瓦窑沟'],
  '411282': ['函谷关', '阳平', '故县', '豫灵', '大王', '阳店', '焦村', '川口', '寺河', '苏村', '尹庄', '朱阳', '五亩', '西阎'],
};
/** Towns for a unit without a list of its own: its city's, else names found in any county. */
const CITY_TOWNS: Record<string, string[]> = { '4110': ['尚集', '长村张', '丁庄', '高桥营', '苏桥', '邓庄', '许由', '半截河'] };
const GENERIC_TOWNS = ['城关', '新集', '十里铺', '三里桥', '王店', '李集', '张村', '刘庄', '孙店', '大王庄'];
const VILLAGE_ENDINGS = ['庄', '营', '楼', '寨', '岗', '店', '湾', '屯', '集', '桥'];
const VILLAGE_SURNAMES = [...'李张王刘陈杨赵黄周吴徐孙马朱胡郭何高林罗宋唐许韩冯邓曹彭'];
const KINDERGARTEN_BRANDS = ['小天使', '阳光', '金太阳', '启明星', '童心', '贝贝', '蓝天', '七彩', '爱心', '小哈佛', '智慧树'];
const SCHOOL_BRANDS = ['育才', '博雅', '东方', '启明', '英才', '求实', '明德', '弘毅'];
const ORDINALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二', '十三', '十四', '十五', '十六', '十七', '十八', '十九', '二十'];
const VOCATIONAL = ['职业教育中心', '中等专业学校', '职业技术学校', '卫生中等专业学校', '工业中等专业学校'];

export class SchoolNamer {
  private readonly used = new Set<string>();

  constructor(private readonly rng: Rng) {}

  name(unit: Unit, type: SchoolType, isRural: boolean, isPrivate: boolean): string {
    for (let attempt = 0; attempt < 20; attempt++) {
      const candidate = this.candidate(unit, type, isRural, isPrivate, attempt);
      if (!this.used.has(candidate)) {
        this.used.add(candidate);
        return candidate;
      }
    }
    // A very large city runs out of plausible names: number them.
    for (let n = 1; ; n++) {
      const fallback = `${prefix(unit)}第${n}${suffix(type)}`;
      if (!this.used.has(fallback)) {
        this.used.add(fallback);
        return fallback;
      }
    }
  }

  /** The attached kindergarten of a primary school shares its name. */
  attachedKindergarten(primaryName: string): string {
    const name = `${primaryName}附属幼儿园`;
    this.used.add(name);
    return name;
  }

  private candidate(unit: Unit, type: SchoolType, isRural: boolean, isPrivate: boolean, attempt: number): string {
    const rng = this.rng;
    const head = prefix(unit);
    if (isPrivate && (type === '幼儿园' || rng.chance(0.5))) {
      const brand = rng.pick(type === '幼儿园' ? KINDERGARTEN_BRANDS : SCHOOL_BRANDS);
      return `${head}${brand}${attempt > 3 ? rng.pick(PLACES) : ''}${suffix(type)}`;
    }
    if (isRural) {
      const town = rng.pick(TOWNS[unit.code] ?? CITY_TOWNS[unit.code.slice(0, 4)] ?? GENERIC_TOWNS);
      const village = rng.pick(VILLAGE_SURNAMES) + rng.pick(VILLAGE_ENDINGS);
      if (type === '小学' || type === '幼儿园') return rng.chance(0.2) ? `${head}${town}镇中心${suffix(type)}` : `${head}${town}镇${village}${suffix(type)}`;
      return `${head}${town}镇${rng.chance(0.5) ? '' : '第' + rng.pick(ORDINALS.slice(0, 3))}${suffix(type)}`;
    }
    if (type === '中职') return `${head}${rng.pick(VOCATIONAL)}`;
    if (type === '特教') return `${head}特殊教育学校${attempt > 0 ? rng.pick(PLACES) + '校区' : ''}`;
    const style = rng.int(0, 2);
    if (style === 0 || type === '高中') return `${head}第${rng.pick(ORDINALS)}${suffix(type)}`;
    if (style === 1) return `${head}${rng.pick(PLACES)}${suffix(type)}`;
    return `${head}实验${suffix(type)}${attempt > 0 ? '（' + rng.pick(PLACES) + '校区）' : ''}`;
  }
}

function prefix(unit: Unit): string {
  return unit.kind === 'city_direct' ? unit.cityName || unit.name : unit.name;
}

function suffix(type: SchoolType): string {
  switch (type) {
    case '幼儿园':
      return '幼儿园';
    case '小学':
      return '小学';
    case '初中':
      return '初级中学';
    case '高中':
      return '高级中学';
    case '中职':
      return '职业学校';
    case '特教':
      return '特殊教育学校';
  }
}
