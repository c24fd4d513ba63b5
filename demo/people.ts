/**
 * Synthetic people: Chinese names, GB 11643 ID numbers (with a valid check digit and a
 * birth date that fits the school type) and mobile numbers. All invented; any likeness
 * to a real person is chance.
 */
import { dayOf, ymd, type Day } from './calendar.ts';
import type { Rng } from './random.ts';
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

/** Birthplace codes: Xuchang's official county codes (the zones and 市直 have none of their own). */
const BIRTHPLACES = ['411002', '411003', '411023', '411024', '411025', '411081', '411082', '411000'];
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

export function idCheckDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11];
}

export function studentIdNumber(rng: Rng, type: SchoolType, on: Day, unitCode: string): string {
  const [minAge, maxAge] = AGES[type];
  const { y } = ymd(on);
  const earliest = dayOf(y - maxAge - 1, 1, 1);
  const latest = dayOf(y - minAge, 1, 1);
  const birth = ymd(rng.int(earliest, latest));
  const place = BIRTHPLACES.includes(unitCode) ? unitCode : rng.pick(BIRTHPLACES);
  const sequence = String(rng.int(1, 999)).padStart(3, '0');
  const first17 = `${place}${birth.y}${String(birth.m).padStart(2, '0')}${String(birth.d).padStart(2, '0')}${sequence}`;
  return first17 + idCheckDigit(first17);
}

export function mobilePhone(rng: Rng): string {
  return `1${rng.int(3, 9)}${String(rng.int(0, 999_999_999)).padStart(9, '0')}`;
}
