/**
 * Synthetic people: Chinese names, GB 11643 ID numbers (with a valid check digit and a
 * birth date that fits the school type) and mobile numbers. All invented; any likeness
 * to a real person is chance.
 */
import { dayOf, ymd, type Day } from './calendar.ts';
import type { Rng } from './random.ts';
import type { Unit } from './reference.ts';
import type { SchoolType } from './registry.ts';

const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱覃武戴孔汤'];
const GIVEN = [...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰飞鑫波宇浩凯子轩梓涵欣怡雨萱一诺晨阳佳琪思远嘉俊梦瑶博文子墨浩然雅婷'];

export function chineseName(rng: Rng): string {
  const given = rng.chance(0.7) ? rng.pick(GIVEN) + rng.pick(GIVEN) : rng.pick(GIVEN);
  return rng.pick(SURNAMES) + given;
}

/** Ages (on the incident date) of the students of each school type. */
const AGES: Record<SchoolType, [number, number]> = {
  幼儿园: [3, 6],
  小学: [6, 12],
  初中: [12, 15],
  高中: [15, 18],
  中职: [15, 19],
  特教: [7, 17],
};

/** The area codes the city's resident ID numbers start with (GB 11643's first six digits). */
export interface IdAreas {
  /** A student's: the city's counties and districts (with the codes they had before a renaming) and the city's own. */
  births: string[];
  /** A child's, typed into free text: the same without the city's own code. */
  children: string[];
  /** A parent's ID card of before 1999. */
  parents: string[];
}

/** Codes a county or district had before its renaming, still on the ID cards issued then. */
const FORMER_CODES: Record<string, string[]> = {
  '411003': ['411023'], // 建安区, until 2017 许昌县
  '411203': ['411222'], // 陕州区, until 2015 陕县
};
/** Where the parents of a city's children were registered before 1999, for the cities the demo knows. */
const PARENT_AREAS: Record<string, string[]> = { '4110': ['411002', '411023', '411081'] };

/** The ID areas of a city, from its units (functional zones have no code of their own on ID cards). */
export function idAreas(units: readonly Unit[]): IdAreas {
  const counties = units.filter((u) => u.kind !== 'functional_zone' && u.kind !== 'city_direct').flatMap((u) => [u.code, ...(FORMER_CODES[u.code] ?? [])]);
  const city = units.filter((u) => u.kind === 'city_direct').map((u) => u.code);
  return { births: [...counties, ...city], children: counties, parents: PARENT_AREAS[units[0].code.slice(0, 4)] ?? counties };
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

export function idCheckDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11];
}

export function studentIdNumber(rng: Rng, type: SchoolType, on: Day, unitCode: string, areas: IdAreas): string {
  const [minAge, maxAge] = AGES[type];
  const { y } = ymd(on);
  const earliest = dayOf(y - maxAge - 1, 1, 1);
  const latest = dayOf(y - minAge, 1, 1);
  const birth = ymd(rng.int(earliest, latest));
  const place = areas.births.includes(unitCode) ? unitCode : rng.pick(areas.births);
  const sequence = String(rng.int(1, 999)).padStart(3, '0');
  const first17 = `${place}${birth.y}${String(birth.m).padStart(2, '0')}${String(birth.d).padStart(2, '0')}${sequence}`;
  return first17 + idCheckDigit(first17);
}

export function mobilePhone(rng: Rng): string {
  return `1${rng.int(3, 9)}${String(rng.int(0, 999_999_999)).padStart(9, '0')}`;
}
