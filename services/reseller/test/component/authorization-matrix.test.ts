// Issue 4 acceptance: caller × object over every object route (test/support/object-routes.ts) —
// admin, reseller A, reseller B, customer of A, customer of B, direct customer. 0 leaks: a foreign
// object answers exactly like a missing one (404, same body but for `instance`), holding nothing of
// the object; lists never include foreign rows.
import { randomUUID } from 'node:crypto';
import { ACTOR_NAMES, createWorld, type ActorName, type World } from '../support/world';
import { LIST_ROUTES, OBJECT_ROUTES, sees, type ObjectRoute } from '../support/object-routes';

let world: World;

beforeAll(async () => {
  world = await createWorld('reseller_matrix');
});

afterAll(async () => {
  await world?.close();
});

function send(caller: ActorName, route: ObjectRoute, id: string) {
  const client = world.as(caller);
  const path = route.path(id);
  const body = route.body?.(id);
  return route.method === 'get' || route.method === 'delete' ? client[route.method](path) : client[route.method](path, body);
}

/** A problem body without the fields that differ per request by design. */
function comparable(body: Record<string, unknown>) {
  const { instance: _instance, correlationId: _correlationId, ...rest } = body;
  return rest;
}

describe.each(OBJECT_ROUTES.map((route) => [route.name, route] as const))('%s', (_name, route) => {
  it.each(ACTOR_NAMES.map((caller) => [caller]))('answers %s only for the objects it may touch', async (caller) => {
    const refusedStatus = route.refused?.[caller];
    const missing = await send(caller, route, randomUUID());
    const outcomes: string[] = [];
    for (const owner of route.kind.owners) {
      const id = await route.kind.create(world, owner);
      const res = await send(caller, route, id);
      const expected = refusedStatus ?? ((route.allowed ?? sees)(caller, owner) ? route.success : 404);
      outcomes.push(`${owner}:${res.status}`);
      expect({ owner, status: res.status }).toEqual({ owner, status: expected });
      if (expected === 404 || refusedStatus !== undefined) {
        // indistinguishable from an id that does not exist
        expect({ owner, body: comparable(res.body) }).toEqual({ owner, body: comparable(missing.body) });
        expect(JSON.stringify(comparable(res.body))).not.toContain(id);
      }
    }
    // a missing object is 404 for everyone the route admits at all
    expect(missing.status).toBe(refusedStatus ?? 404);
    expect(outcomes.length).toBe(route.kind.owners.length);
  });
});

describe.each(LIST_ROUTES.map((route) => [route.name, route] as const))('%s', (_name, route) => {
  let made: { owner: ActorName; id: string }[];

  beforeAll(async () => {
    made = [];
    for (const owner of route.kind.owners) made.push({ owner, id: await route.kind.create(world, owner) });
  });

  it.each(ACTOR_NAMES.map((caller) => [caller]))('lists for %s exactly the rows it may see, never a foreign one', async (caller) => {
    const res = await world.as(caller).get(`${route.path}?limit=100`);
    const refusedStatus = route.refused?.[caller];
    if (refusedStatus !== undefined) {
      expect(res.status).toBe(refusedStatus);
      expect(res.body.items).toBeUndefined();
      return;
    }
    expect(res.status).toBe(200);
    const listed = new Set((res.body.items as { id: string }[]).map((item) => item.id));
    for (const { owner, id } of made) {
      const visible = (route.allowed ?? sees)(caller, owner);
      expect({ owner, listed: listed.has(id) }).toEqual({ owner, listed: visible });
    }
  });
});
