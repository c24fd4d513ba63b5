// components/links.js: the links pages build in JavaScript name the page's file, as Framework
// writes the sidebar and Markdown links (preserveExtension), so a plain static server finds them.
import { describe, expect, it } from 'vitest';
// @ts-expect-error browser component without type declarations
import { pageHref } from '../../dashboards/src/components/links.js';

describe('pageHref', () => {
  it('adds .html to a page, keeping where it is and what follows #', () => {
    expect(pageHref('./units/411002')).toBe('./units/411002.html');
    expect(pageHref('../schools#2141081001')).toBe('../schools.html#2141081001');
    expect(pageHref('./quality#health')).toBe('./quality.html#health');
    expect(pageHref('./units/')).toBe('./units/index.html');
    expect(pageHref('../')).toBe('../index.html');
  });

  it('leaves a link on the same page and a file with its extension as they are', () => {
    expect(pageHref('#2141081001')).toBe('#2141081001');
    expect(pageHref('./units/411002.html')).toBe('./units/411002.html');
    expect(pageHref('./appraisal-files/2025/report.pdf')).toBe('./appraisal-files/2025/report.pdf');
  });
});
