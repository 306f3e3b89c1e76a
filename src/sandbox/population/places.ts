/**
 * Profile locations by language, written the way people fill the free-text field: a city, a city
 * and country, a neighbourhood, "Remote", an emoji, a joke, or nothing at all (about 30% on X).
 */
import type { Lang } from '../types.ts';
import type { Rng } from '../rng.ts';
import { WeightedTable } from './weighted.ts';

interface PlaceList {
  /** Plain city names, also used for {city} in posts. */
  cities: readonly string[];
  /** Full location strings, weighted. */
  locations: WeightedTable<string>;
}

function list(cities: string[], extra: Array<[string, number]>): PlaceList {
  // Cities appear both bare and decorated; the decorated forms and extras carry their own weight.
  const entries: Array<[string, number]> = cities.map((c, i) => [c, i < 4 ? 6 : 2]);
  entries.push(...extra);
  return { cities, locations: new WeightedTable(entries.map((e) => e[0]), entries.map((e) => e[1])) };
}

const PLACES: Readonly<Record<Lang, PlaceList>> = {
  en: list(
    ['London', 'New York', 'San Francisco', 'Austin', 'Berlin', 'Chicago', 'Seattle', 'Boston', 'Toronto', 'Dublin', 'Manchester', 'Los Angeles', 'Denver', 'Atlanta', 'Sydney', 'Amsterdam', 'Bangalore', 'Lagos', 'Edinburgh', 'Portland'],
    [
      ['London, England', 5], ['NYC', 5], ['New York, NY', 4], ['Brooklyn, NY', 2], ['SF Bay Area', 4], ['San Francisco, CA', 3],
      ['Austin, TX', 3], ['Remote', 3], ['Remote · EU', 1], ['🌍', 2], ['Earth', 1], ['the internet', 1], ['somewhere', 1],
      ['United States', 3], ['United Kingdom', 2], ['USA', 2], ['California, USA', 2], ['Chicago, IL', 2], ['Seattle, WA', 2],
      ['Toronto, Ontario', 1], ['Dublin, Ireland', 1], ['London / NYC', 1], ['wherever the wifi is', 1], ['Lagos, Nigeria', 1],
    ],
  ),
  fr: list(
    ['Paris', 'Lyon', 'Montréal', 'Bruxelles', 'Bordeaux', 'Nantes', 'Lille', 'Toulouse', 'Marseille', 'Genève', 'Rennes', 'Strasbourg', 'Québec', 'Nice', 'Montpellier', 'Grenoble', 'Dakar', 'Abidjan', 'Casablanca', 'Lausanne'],
    [
      ['Paris, France', 6], ['France', 5], ['Île-de-France', 2], ['Paris 11e', 1], ['Montréal, QC', 2], ['Lyon, France', 2],
      ['Bruxelles, Belgique', 1], ['Bretagne', 1], ['Sud-Ouest', 1], ['Remote', 1], ['🌍', 1], ['Terre', 1], ['quelque part', 1],
      ['Paris ⇄ Lyon', 1], ['Québec, Canada', 1], ['Nantes 🐘', 1],
    ],
  ),
  es: list(
    ['Madrid', 'Barcelona', 'CDMX', 'Buenos Aires', 'Bogotá', 'Medellín', 'Santiago de Chile', 'Lima', 'Valencia', 'Sevilla', 'Montevideo', 'Guadalajara', 'Monterrey', 'Quito', 'Caracas', 'Málaga', 'Bilbao', 'Zaragoza', 'Cali', 'Rosario'],
    [
      ['Madrid, España', 5], ['España', 4], ['México', 3], ['Ciudad de México', 3], ['Buenos Aires, Argentina', 3], ['Bogotá, Colombia', 3],
      ['Argentina', 2], ['Colombia', 2], ['Chile', 1], ['Barcelona, Catalunya', 1], ['Lima, Perú', 1], ['Remoto', 1], ['🌎', 1],
      ['La Tierra', 1], ['por ahí', 1], ['Madrid ✈️ CDMX', 1],
    ],
  ),
};

/** Share of profiles with an empty location field. */
const EMPTY_LOCATION = 0.3;

export function pickLocation(rng: Rng, lang: Lang): string {
  if (rng.chance(EMPTY_LOCATION)) return '';
  return PLACES[lang].locations.pick(rng);
}

export function pickCity(rng: Rng, lang: Lang): string {
  return rng.pick(PLACES[lang].cities);
}
