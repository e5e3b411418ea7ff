import { INestMicroservice } from '@nestjs/common';
import { TraceEvent, makeEvent } from '@trace/contracts';
import { Admin, AssignerProtocol, GroupDescription } from 'kafkajs';
import { startIngest } from '../apps/ingest/src/bootstrap';
import { TestWorld, sleep } from './support/harness';

const SERIALS = 300;

function production(): TraceEvent[] {
  return Array.from({ length: SERIALS }, (_, s) => {
    const serial = `SN-${s}`;
    return [
      makeEvent('UnitStarted', { serial, brand: 'Acme', productPartNumber: 'P-1', workOrder: 'WO-1' }),
      ...Array.from({ length: 5 }, (__, i) => makeEvent('MaterialInstalled', { serial, lotId: `REEL-${i}`, quantity: 1, refDes: [`R${i}`] })),
    ];
  }).flat();
}

/** Partitions a member of a stable group was assigned, over all topics. */
function partitionsOf(member: GroupDescription['members'][number]): number {
  const assignment = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
  return Object.values(assignment?.assignment ?? {}).reduce((sum, ps) => sum + ps.length, 0);
}

/**
 * Polls the group until it is Stable with `members` members, each assigned partitions of its own. A group is
 * asked in the middle of a rebalance (a member joining late, or one whose heartbeat was late on a busy machine)
 * answers PreparingRebalance or CompletingRebalance with a partial member list: that is not the state to judge.
 */
async function stableGroup(admin: Admin, groupId: string, members: number, timeoutMs = 60_000): Promise<GroupDescription> {
  const deadline = Date.now() + timeoutMs;
  let last: GroupDescription | undefined;
  for (;;) {
    [last] = (await admin.describeGroups([groupId])).groups;
    if (last?.state === 'Stable' && last.members.length === members && last.members.every((m) => partitionsOf(m) > 0)) return last;
    if (Date.now() > deadline) {
      const seen = last ? `${last.state} with ${last.members.length} members (${last.members.map(partitionsOf).join(', ')} partitions)` : 'no group';
      throw new Error(`group ${groupId} not Stable with ${members} members, each with partitions, within ${timeoutMs} ms: ${seen}`);
    }
    await sleep(200);
  }
}

describe('two ingest instances in one consumer group', () => {
  const world = new TestWorld('scaleout');
  const instances: INestMicroservice[] = [];
  let admin: Admin;

  afterAll(async () => {
    await admin?.disconnect();
    await Promise.all(instances.map((i) => i.close()));
    await world.close();
  });

  it('share the partitions and end with the whole graph, once', async () => {
    await world.createTopics();
    admin = world.kafka.admin();
    await admin.connect();
    instances.push(await startIngest(world.env), await startIngest({ ...world.env, KAFKA_CLIENT_ID: `${world.env.KAFKA_CLIENT_ID}-2` }));
    // Both have joined and hold partitions before anything is produced, so both take part in the work.
    await stableGroup(admin, world.env.KAFKA_GROUP_ID!, 2);
    await world.produce(production());
    await world.waitForIngest();

    const db = await world.db();
    const units = await db.collection('units').find({}).toArray();
    expect(units).toHaveLength(SERIALS);
    for (const u of units) expect(Object.keys(u.installs ?? {})).toHaveLength(5);

    // Still two members, each with partitions of its own, once any rebalance in between has settled (stableGroup throws otherwise).
    await stableGroup(admin, world.env.KAFKA_GROUP_ID!, 2);
  });
});
