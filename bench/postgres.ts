import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describeUrl } from '../db/client.ts';

/** The PostgreSQL server the benchmarks make their scratch databases on. */
export const SERVER_URL = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

/** A PostgreSQL server for scratch databases, each made for one measurement and dropped after it. */
export class PostgresServer {
  private constructor(private readonly admin: pg.Client) {}

  /** The server, or why it cannot be used. */
  static async connect(url: string): Promise<PostgresServer | string> {
    const admin = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    try {
      await admin.connect();
      return new PostgresServer(admin);
    } catch (error) {
      await admin.end().catch(() => undefined);
      return `PostgreSQL unreachable at ${describeUrl(url)} (${(error as Error).message}); set BENCH_DATABASE_URL`;
    }
  }

  /** Creates a scratch database, hands its URL to `use`, and drops it whatever happens. */
  async withDatabase<T>(purpose: string, use: (url: string) => Promise<T>): Promise<T> {
    const name = `prospector_bench_${purpose}_${process.pid}_${randomBytes(3).toString('hex')}`;
    await this.admin.query(`create database "${name}"`);
    try {
      const url = new URL(SERVER_URL);
      url.pathname = `/${name}`;
      return await use(url.toString());
    } finally {
      await this.admin.query(`drop database if exists "${name}" with (force)`);
    }
  }

  end(): Promise<void> {
    return this.admin.end();
  }
}
