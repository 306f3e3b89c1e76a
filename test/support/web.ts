/** The cookies a response sets (Fastify's `inject`), as one Cookie header for the next request. */
export const cookiesOf = (headers: Record<string, unknown>): string =>
  ([] as string[])
    .concat((headers['set-cookie'] as string | string[] | undefined) ?? [])
    .map((c) => c.split(';')[0])
    .join('; ');
