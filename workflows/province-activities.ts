/**
 * The province roll-up's activities (run by the province worker, see province-runner.ts): where
 * each city stands, and the build of the province warehouse and site from what is published.
 */
import { ApplicationFailure } from '@temporalio/common';
import { buildProvinceSite, citySiteHref } from '../dashboards/province-build.ts';
import { DefinitionError } from '../transforms/definitions/load.ts';
import { loadProvinceDefinition, type ProvinceDefinition } from '../transforms/definitions/province.ts';
import { buildProvinceWarehouse, findPublication, type CityPublication, type ProvinceCity, type ProvinceIdentity, type ProvinceRollup } from '../transforms/province/rollup.ts';

export interface ProvinceBuildInput {
  year: number;
  deadline: string;
  publications: CityPublication[];
  province: ProvinceIdentity;
  /** The province-level definition file. */
  definitionPath: string;
  /** The province warehouse file (rebuilt whole). */
  outPath: string;
  /** Where the province site goes (replaced whole), with each city's site copied in; null: no site. */
  siteDir: string | null;
}

export interface ProvinceBuilt extends ProvinceRollup {
  sitePath: string | null;
}

export interface ProvinceActivities {
  checkPublications(input: { cities: ProvinceCity[]; year: number; definitionPath: string }): Promise<CityPublication[]>;
  buildProvince(input: ProvinceBuildInput): Promise<ProvinceBuilt>;
}

/** The definition, or a failure the workflow does not retry: a broken file stays broken. */
function definitionAt(path: string): ProvinceDefinition {
  try {
    return loadProvinceDefinition(path);
  } catch (error) {
    if (error instanceof DefinitionError) throw ApplicationFailure.nonRetryable(error.message, 'BadInputError');
    throw error;
  }
}

export function createProvinceActivities(): ProvinceActivities {
  return {
    async checkPublications({ cities, year, definitionPath }) {
      const definition = definitionAt(definitionPath);
      return Promise.all(cities.map((city) => findPublication(city, year, definition.city_edition)));
    },
    async buildProvince(input) {
      const withSite = input.siteDir !== null;
      const rollup = await buildProvinceWarehouse({
        ...input,
        definition: definitionAt(input.definitionPath),
        siteHref: (city) => (withSite && city.siteDir ? citySiteHref(city.code) : null),
      });
      if (!withSite) return { ...rollup, sitePath: null };
      const citySites = input.publications.filter((city) => city.siteDir).map((city) => ({ code: city.code, siteDir: city.siteDir! }));
      const site = await buildProvinceSite({ provincePath: rollup.path, outDir: input.siteDir!, citySites });
      return { ...rollup, sitePath: site.outDir };
    },
  };
}
