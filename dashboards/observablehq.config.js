// Observable Framework 1.13 configuration for the safecampus dashboard site.
//
// Offline by construction (DESIGN.md, "Facts about this environment"):
// - `globalStylesheets: []` drops the default Google Fonts stylesheet (Source Serif 4);
//   src/style.css sets a system CJK font stack instead.
// - `style` replaces the theme with our stylesheet, which imports Framework's own CSS
//   (bundled from node_modules at build time).
// - no `search` (its index is fine offline, but it is an English UI), no default footer
//   (it links to observablehq.com).
// - pages import libraries from node_modules explicitly (see src/components/*.js);
//   build.ts seeds Framework's npm version cache and blocks fetch() during the build,
//   so nothing is ever downloaded from a CDN or registry.
// Framework 1.13 has no `lang` option: build.ts sets <html lang="zh-CN"> after the build,
// and the head script below does it for `observable preview`.

const builtAt = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  dateStyle: 'long',
  timeStyle: 'short',
  hour12: false,
}).format(new Date());

export default {
  root: 'src',
  output: process.env.SAFECAMPUS_SITE_OUTPUT || 'dist',
  title: '许昌市校园安全评估',
  // The sidebar's first link (`home`, the title) is the 总览 page (src/index.md).
  // Add later pages here in sidebar order as they are built (issue 6), e.g.
  // { name: '县区评分卡', path: '/units/411002' } ([unit].md + dynamicPaths), '学校' /schools,
  // '隐患治理' /hazards, '预警与设备' /alerts, '专项工作' /programmes, '事故案件' /incidents,
  // '年度考核' /appraisal, '数据质量' /quality, '指标说明' /methodology.
  pages: [],
  pager: false,
  toc: false,
  sidebar: true,
  search: false,
  style: 'style.css',
  globalStylesheets: [],
  head: '<link rel="icon" href="/favicon.svg" type="image/svg+xml"><script>document.documentElement.lang="zh-CN"</script>',
  footer: `许昌市教育局 · 校园安全评估 · 站点生成于 ${builtAt}（北京时间）`,
  interpreters: {
    // Run TypeScript loaders in one process (the default is the `tsx` binary on PATH).
    '.ts': [process.execPath, '--import', 'tsx'],
  },
};
