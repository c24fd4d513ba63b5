-- The city the reporting units belong to (units.csv's city_name column, until now read only for
-- the spellings 许昌市魏都区): the appraisal report is titled and signed with it (许昌市2025年度校园安全
-- 考核报告, 许昌市教育局), so another city is a change of reference data, not of code. Null when
-- units.csv has no city_name column. Refreshed with the reference data on every init.
alter table ref.units add column city_name varchar;
