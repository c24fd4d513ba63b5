// Data for every page of the province site: the province warehouse named by SAFECAMPUS_PROVINCE
// (read-only), as lib/province.ts reads it. One JSON document.
import { readProvince } from '../../../lib/province.ts';

const path = process.env.SAFECAMPUS_PROVINCE;
if (!path) throw new Error('SAFECAMPUS_PROVINCE is not set: the province warehouse to build the site from');
process.stdout.write(JSON.stringify(await readProvince(path)));
