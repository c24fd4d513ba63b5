/**
 * Workbooks laid out the way people fill them in, written with exceljs, shared by the tests
 * that land them and the test that reads them with our XLSX reader.
 */
import ExcelJS from 'exceljs';

/**
 * Two sheets (instructions first, data second); on the data sheet a date-formatted cell, an
 * empty row 3, a cell under no header (C) and one right of the header (G).
 */
export async function writeDevicesWorkbook(path: string): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  workbook.created = workbook.modified = new Date(Date.UTC(2025, 0, 1));
  workbook.addWorksheet('填表说明').addRow(['本表由学校填写', '请勿修改表头']);
  const data = workbook.addWorksheet('数据');
  data.addRow(['设备编号', '学校标识码', null, '设备类型', '事件时间', '状态']);
  data.addRow(['L-1', 2141010001, '无表头的单元格', 'smoke', new Date(Date.UTC(2025, 2, 5, 10, 0, 0)), 'online']);
  data.getCell('E2').numFmt = 'yyyy-mm-dd hh:mm';
  // row 3 left empty, as people do
  data.getRow(4).values = ['L-2', 2141010002, null, 'SY', '2025年03月05日 10:05', 'fault', '表头右边的备注'];
  data.getRow(5).values = ['L-3', 41010001, null, 'camera', 45721.5, 'alarm'];
  await workbook.xlsx.writeFile(path);
}

/** An activities sheet under two title rows (the first merged across): X1 names its school, X2 neither school nor unit. */
export async function writeTitledWorkbook(path: string): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  workbook.created = workbook.modified = new Date(Date.UTC(2025, 0, 1));
  const sheet = workbook.addWorksheet('专项工作记录');
  sheet.addRow(['2025年专项工作记录']);
  sheet.mergeCells('A1:E1');
  sheet.addRow(['填报单位：魏都区实验一小', null, null, '填报日期：2025-04-01']);
  sheet.addRow(['活动编号', '学校标识码', '区县代码', '日期', '活动类型']);
  sheet.addRow(['X1', '2141010001', null, '2025-03-10', '应急演练']);
  sheet.addRow(['X2', null, null, '2025-03-11', '应急演练']);
  await workbook.xlsx.writeFile(path);
}
