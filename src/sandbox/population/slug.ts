/**
 * ASCII slugs for usernames and handles: "Lefèvre" → "lefevre", "N'Diaye" → "ndiaye".
 * Uses a regex, so call it when catalogues load, never per user.
 */
export function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    .replace(/[^A-Za-z0-9]/g, '')
    .toLowerCase();
}
