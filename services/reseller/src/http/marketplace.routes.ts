// /v1/marketplace/offerings: what a customer can buy, priced as it pays. A reseller's customer sees
// the offerings of providers its reseller resells through an active relationship, at
// price = basePrice + commission, commission = basePrice × commissionBps / 10,000 rounded half-up
// to the micro-unit (0.000001); a direct customer sees every active offering at base price. Each
// item names the reseller whose relationship marks it up (id, name, tier: the console's badge).
import { z } from 'zod';
import { formatMoney, pageSchema, RESELLER_TIERS } from '@runfleet/contracts';
import { principalFromRequest, type ApiRoutes } from '@runfleet/service-kit';
import { actorOf } from '../domain/actor';
import { listMarketplace, type MarketplaceOffering } from '../domain/read-marketplace';
import type { UseCaseDeps } from '../domain/use-case-deps';
import { COMMERCE_EXAMPLE_IDS, moneyOut } from './commerce.schemas';
import { currencyInput, EXAMPLE_IDS, listQuery, searchQuery } from './common.schemas';

export const marketplaceOfferingSchema = z
  .object({
    id: z.uuid().meta({ description: 'the offering’s id (order it with POST /v1/orders {offeringId})' }),
    providerId: z.uuid(),
    providerName: z.string(),
    name: z.string(),
    description: z.string(),
    unit: z.string(),
    currency: z.string(),
    basePrice: moneyOut('the provider’s price of one unit', '100.000000'),
    commissionBps: z.number().int().meta({ description: 'the reseller’s commission rate; 0 for a direct customer', example: 1250 }),
    commission: moneyOut('the reseller’s markup on one unit, rounded half-up to 0.000001', '12.500000'),
    price: moneyOut('what one unit costs the customer: basePrice + commission', '112.500000'),
    reseller: z
      .object({ id: z.uuid(), name: z.string(), tier: z.enum(RESELLER_TIERS) })
      .nullable()
      .meta({ description: 'the reseller whose relationship marks the offering up (the badge a customer sees); null for a direct customer' }),
  })
  .meta({
    example: {
      id: COMMERCE_EXAMPLE_IDS.offering,
      providerId: COMMERCE_EXAMPLE_IDS.provider,
      providerName: 'Acme Cloud',
      name: 'Postgres S',
      description: '2 vCPU, 4 GB RAM',
      unit: 'month',
      currency: 'EUR',
      basePrice: '100.000000',
      commissionBps: 1250,
      commission: '12.500000',
      price: '112.500000',
      reseller: { id: EXAMPLE_IDS.reseller, name: 'Cloudy Resale', tier: 'gold' },
    },
  });

export const marketplaceOfferingJson = (m: MarketplaceOffering): z.infer<typeof marketplaceOfferingSchema> => ({
  id: m.offering.id,
  providerId: m.offering.providerId,
  providerName: m.providerName,
  name: m.offering.name,
  description: m.offering.description,
  unit: m.offering.unit,
  currency: m.offering.currency,
  basePrice: formatMoney(m.price.baseMicros),
  commissionBps: m.commissionBps,
  commission: formatMoney(m.price.commissionMicros),
  price: formatMoney(m.price.priceMicros),
  reseller: m.reseller,
});

export function registerMarketplaceRoutes(api: ApiRoutes, deps: UseCaseDeps): void {
  api.route(
    {
      method: 'get',
      path: '/v1/marketplace/offerings',
      summary: 'List the offerings a customer can buy, at its price',
      description:
        'Customers (and a reseller, to see what its customers see). A reseller’s customer gets the active offerings of ' +
        'active providers its reseller resells through an ACTIVE relationship, with price = basePrice + commission, ' +
        'commission = basePrice × commissionBps / 10,000 rounded half-up to 0.000001 (0.000005 at 10 % → 0.000001). ' +
        'A direct customer gets every active offering at base price. Each item names the reseller that sells it ' +
        '(`reseller`: id, name, tier — the console’s badge), null for a direct customer. Alphabetical by name.',
      tags: ['marketplace'],
      request: {
        query: listQuery({
          providerId: z.uuid().optional().meta({ example: COMMERCE_EXAMPLE_IDS.provider }),
          currency: currencyInput.optional(),
          q: searchQuery,
        }),
      },
      responses: { 200: { description: 'A page of offerings with prices', schema: pageSchema(marketplaceOfferingSchema) } },
      errors: [403],
    },
    async ({ query }, req, res) => {
      const page = await listMarketplace(deps, actorOf(principalFromRequest(req)), query);
      res.json({ items: page.items.map(marketplaceOfferingJson), nextCursor: page.nextCursor });
    },
  );
}
