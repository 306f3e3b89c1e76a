import type { Database } from '../../db/client.ts';
import { saveScores } from '../../db/matches.ts';
import { countColdLeads, markWarmLeads, matchesOfProspects, raiseLeadScores } from '../../db/signals.ts';
import { scoreStoredMatch } from '../../jobs/score.ts';
import type { Persona } from '../config/persona.ts';
import { notifyWarmLeads, type NotifyRecipient } from '../notify/outbox.ts';
import { PersonaScorer } from '../scoring/score.ts';

/**
 * What follows from people engaging back, wherever it was noticed: the signals job reading X, or a
 * person dismissing a held reply as a normal one. One function, so a reply warms a lead and
 * raises its score the same way whichever path recorded it.
 */

export interface WarmInput {
  /** People with new positive signals (followed back, replied…). */
  engaged: Iterable<string>;
  /** People whose signals changed otherwise (an opt-out): rescored at once, never warmed or raised. */
  rescore?: Iterable<string>;
  /** Count what would warm, change nothing. */
  dryRun?: boolean;
  /** Webhooks told about each lead turning warm (`web.notify`), through the outbox. */
  notify?: readonly NotifyRecipient[];
}

/**
 * Warms the open leads of every person with a positive signal not warm yet (caught up from the
 * signals table, not only `engaged`), rescores the matches of those people and of `rescore` in
 * every persona given, and raises the engaged people's open leads to their new score when higher.
 * Returns how many leads turned warm (would, on a dry run).
 */
export async function warmAndRescore(db: Database, personas: readonly Persona[], input: WarmInput, now: Date): Promise<number> {
  const engaged = [...new Set(input.engaged)];
  if (input.dryRun) return countColdLeads(db, engaged);
  const warmed = await markWarmLeads(db, now);
  const people = [...new Set([...engaged, ...warmed.map((w) => w.prospectId)])];
  const rescore = [...new Set([...people, ...(input.rescore ?? [])])];
  if (rescore.length > 0) await rescoreAndRaise(db, personas, { people, rescore }, now);
  // After the raise, so a message has the new score. Every run also catches up recent warm leads
  // nobody was told about (a crash between warming and this).
  if (input.notify?.length) await notifyWarmLeads(db, { ids: warmed.map((w) => w.id), recipients: input.notify, at: now });
  return warmed.length;
}

async function rescoreAndRaise(db: Database, personas: readonly Persona[], who: { people: string[]; rescore: string[] }, now: Date): Promise<void> {
  const { people, rescore } = who;
  for (const persona of personas) {
    const found = await matchesOfProspects(db, persona.id, rescore);
    if (found.length === 0) continue;
    const scorer = new PersonaScorer(persona);
    await saveScores(
      db,
      found.map((m) => scoreStoredMatch(scorer, m, now)),
    );
  }
  await raiseLeadScores(db, people, now);
}
