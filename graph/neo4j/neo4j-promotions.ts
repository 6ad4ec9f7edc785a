import neo4j from 'neo4j-driver';
import { ConflictError, NotFoundError } from '../../src/domain/errors';
import { byCreation, type Promotion } from '../../src/domain/promotion';
import type { CypherExecutor } from './cypher-executor';
import { isConstraintViolation } from './neo4j-event-writer';

type Props = Record<string, unknown>;

function promotionProps(p: Promotion): Props {
  const { countries, ...rest } = p;
  return {
    ...rest,
    ...(countries ? { countries } : {}),
    from: neo4j.int(p.from),
    until: neo4j.int(p.until),
    position: neo4j.int(p.position),
    createdAt: neo4j.int(p.createdAt),
  };
}

function toPromotion(p: Props): Promotion {
  return {
    id: p.id as string,
    label: p.label as string,
    titleIds: p.titleIds as string[],
    ...(p.countries ? { countries: p.countries as string[] } : {}),
    from: Number(p.from),
    until: Number(p.until),
    rows: p.rows as string[],
    position: Number(p.position),
    maxShare: p.maxShare as number,
    createdAt: Number(p.createdAt),
  };
}

/** Promotions as Promotion nodes, unique by id. */
export class Neo4jPromotions {
  constructor(private readonly cypher: CypherExecutor) {}

  async create(promotion: Promotion): Promise<void> {
    try {
      await this.cypher.write('CREATE (p:Promotion) SET p = $props', { props: promotionProps(promotion) });
    } catch (err) {
      if (isConstraintViolation(err)) throw new ConflictError('ALREADY_EXISTS', `a promotion with id "${promotion.id}" already exists`);
      throw err;
    }
  }

  async end(id: string, at: number): Promise<Promotion> {
    const rows = await this.cypher.write<{ p: Props }>(
      `MATCH (p:Promotion {id: $id})
       SET p.until = CASE WHEN p.until < $at THEN p.until ELSE $at END
       RETURN properties(p) AS p`,
      { id, at: neo4j.int(at) },
    );
    if (rows.length === 0) throw new NotFoundError('Promotion', id);
    return toPromotion(rows[0].p);
  }

  async list(): Promise<Promotion[]> {
    const rows = await this.cypher.read<{ p: Props }>('MATCH (p:Promotion) RETURN properties(p) AS p');
    return rows.map((r) => toPromotion(r.p)).sort(byCreation);
  }
}
