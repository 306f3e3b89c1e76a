import { matchPosts } from '../../db/matches.ts';
import type { LoadedConfig } from '../config/load.ts';
import type { Persona } from '../config/persona.ts';
import { table } from '../format.ts';
import { openDoor } from '../runtime.ts';
import { PersonaScorer } from '../scoring/score.ts';
import { readCostUsd, type XPost, type XUser } from '../x/reads.ts';

/**
 * `prospector personas preview <id>`: runs the persona's searches against the configured X, scores
 * what they find in memory, and prints the best matches with their reasons and what the reads
 * would cost. Each author is matched through the post the pipeline would keep (`matchPosts`: the
 * first read), and the team's own accounts are left out as search leaves them out, so a preview
 * shows the matches the worker would make. Nothing is written and nothing is engaged; cursors do
 * not move.
 */

export interface PreviewOptions {
  out: (text: string) => void;
  say: (line: string) => void;
  /** Posts read per query at most. Default 200. */
  perQuery?: number;
  /** Rows shown. Default 15. */
  top?: number;
  sandboxUrl?: string;
  now?: () => Date;
}

export async function previewPersona(persona: Persona, config: LoadedConfig, options: PreviewOptions): Promise<void> {
  const { door, release } = await openDoor(config, { say: options.say, ...(options.sandboxUrl ? { sandboxUrl: options.sandboxUrl } : {}) });
  try {
    const scorer = new PersonaScorer(persona);
    const now = (options.now ?? (() => new Date()))();
    const users = new Map<string, XUser>();
    const ours = new Set(config.worker.accounts.map((a) => a.handle.toLowerCase()));
    /** Every post read whose author came with it, in the order read. */
    const read: XPost[] = [];
    let posts = 0;
    let requests = 0;
    const perQuery = options.perQuery ?? 200;
    for (const query of persona.search.queries) {
      for await (const page of door.search(query, { maxPosts: Math.min(perQuery, persona.search.max_posts_per_day) })) {
        requests++;
        posts += page.posts.length;
        for (const u of page.users) users.set(u.id, u);
        for (const post of page.posts) if (users.has(post.author_id)) read.push(post);
      }
    }
    const best = new Map<string, { post: XPost; score: ReturnType<PersonaScorer['score']> }>();
    for (const [id, post] of matchPosts(read)) {
      const author = users.get(id)!;
      if (ours.has(author.username.toLowerCase())) continue;
      const score = scorer.score({ profile: author, post: { text: post.text, createdAt: new Date(post.created_at ?? now) }, signals: [] }, now.getTime());
      best.set(id, { post, score });
    }
    const ranked = [...best.entries()].sort((a, b) => b[1].score.score - a[1].score.score);
    const above = ranked.filter(([, m]) => m.score.score >= persona.queue.min_score).length;
    const shown = ranked.slice(0, options.top ?? 15);
    options.out(
      table(shown, [
        { header: 'score', value: ([, m]) => m.score.score, align: 'right' },
        { header: 'prospect', value: ([id]) => `@${users.get(id)?.username ?? id}`, max: 20 },
        { header: 'bio', value: ([id]) => users.get(id)?.description ?? '', max: 48 },
        { header: 'why', value: ([, m]) => m.score.explanation, max: 90 },
        { header: 'post', value: ([, m]) => m.post.text, max: 60 },
      ]) + '\n',
    );
    const cost = readCostUsd({ posts, users: users.size });
    options.out(
      `\n${persona.id}: ${persona.search.queries.length} queries, ${requests} requests, ${posts} posts and ${users.size} users read ` +
        `(~$${cost.toFixed(2)} at pay-per-use prices); ${best.size} prospects, ${above} at or above min_score ${persona.queue.min_score} ` +
        `(queue takes ${persona.queue.per_day} a day). Nothing was stored.\n`,
    );
  } finally {
    await release();
  }
}
