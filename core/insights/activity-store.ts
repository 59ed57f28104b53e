/**
 * Events of many members in growable typed arrays (about 17 bytes an event), then grouped per member by a counting
 * sort: the shape that lets the evaluation commands and the daily job compute features for a million members
 * without an object per event.
 */
import type { ChurnFeatureSchema, MemberEvents } from "./churn-features.js";

/** Members with their `as_of`, community and events, grouped (CSR: member m's events are offsets[m]..offsets[m+1]). */
export interface GroupedActivity {
  memberIds: string[];
  asOf: Float64Array;
  /** Index into `groupNames`, −1 when the member has no event. */
  memberGroup: Int32Array;
  groupNames: string[];
  typeNames: string[];
  offsets: Int32Array;
  types: Int16Array;
  times: Float64Array;
  counts: Float32Array;
}

/** Collects events for members registered first (events of unknown members are dropped). */
export class ActivityStore {
  readonly memberIds: string[] = [];
  private readonly memberIndex = new Map<string, number>();
  private asOf: number[] = [];
  private readonly typeIndex = new Map<string, number>();
  readonly typeNames: string[] = [];
  readonly typeTotals: number[] = [];
  private readonly groupIndex = new Map<string, number>();
  readonly groupNames: string[] = [];
  private memberGroup: number[] = [];
  private size = 0;
  private members = new Int32Array(1024);
  private types = new Int16Array(1024);
  private times = new Float64Array(1024);
  private counts = new Float32Array(1024);

  /** Registers a member observed up to `asOf` (ms); returns its index. */
  addMember(memberId: string, asOf: number): number {
    const known = this.memberIndex.get(memberId);
    if (known !== undefined) return known;
    const index = this.memberIds.length;
    this.memberIds.push(memberId);
    this.memberIndex.set(memberId, index);
    this.asOf.push(asOf);
    this.memberGroup.push(-1);
    return index;
  }

  /** The member's index, or undefined when not registered. */
  indexOf(memberId: string): number | undefined {
    return this.memberIndex.get(memberId);
  }

  /** Adds one event; returns false when the member is unknown. */
  addEvent(memberId: string, group: string, type: string, time: number, count: number): boolean {
    const member = this.memberIndex.get(memberId);
    if (member === undefined) return false;
    let typeId = this.typeIndex.get(type);
    if (typeId === undefined) {
      typeId = this.typeNames.length;
      if (typeId >= 32_000) throw new Error("too many event types");
      this.typeNames.push(type);
      this.typeTotals.push(0);
      this.typeIndex.set(type, typeId);
    }
    this.typeTotals[typeId] = (this.typeTotals[typeId] as number) + 1;
    if (this.memberGroup[member] === -1 && group) {
      let groupId = this.groupIndex.get(group);
      if (groupId === undefined) {
        groupId = this.groupNames.length;
        this.groupNames.push(group);
        this.groupIndex.set(group, groupId);
      }
      this.memberGroup[member] = groupId;
    }
    if (this.size === this.members.length) this.grow();
    this.members[this.size] = member;
    this.types[this.size] = typeId;
    this.times[this.size] = time;
    this.counts[this.size] = count;
    this.size += 1;
    return true;
  }

  private grow(): void {
    const capacity = this.members.length * 2;
    const members = new Int32Array(capacity);
    members.set(this.members);
    const types = new Int16Array(capacity);
    types.set(this.types);
    const times = new Float64Array(capacity);
    times.set(this.times);
    const counts = new Float32Array(capacity);
    counts.set(this.counts);
    this.members = members;
    this.types = types;
    this.times = times;
    this.counts = counts;
  }

  /** Groups the events per member (the store should not be used afterwards). */
  group(): GroupedActivity {
    const memberCount = this.memberIds.length;
    const offsets = new Int32Array(memberCount + 1);
    for (let i = 0; i < this.size; i += 1) {
      const at = (this.members[i] as number) + 1;
      offsets[at] = (offsets[at] as number) + 1;
    }
    for (let m = 0; m < memberCount; m += 1) offsets[m + 1] = (offsets[m + 1] as number) + (offsets[m] as number);
    const cursor = offsets.slice(0, memberCount);
    const types = new Int16Array(this.size);
    const times = new Float64Array(this.size);
    const counts = new Float32Array(this.size);
    for (let i = 0; i < this.size; i += 1) {
      const m = this.members[i] as number;
      const at = cursor[m] as number;
      cursor[m] = at + 1;
      types[at] = this.types[i] as number;
      times[at] = this.times[i] as number;
      counts[at] = this.counts[i] as number;
    }
    const grouped: GroupedActivity = {
      memberIds: this.memberIds,
      asOf: Float64Array.from(this.asOf),
      memberGroup: Int32Array.from(this.memberGroup),
      groupNames: this.groupNames,
      typeNames: this.typeNames,
      offsets,
      types,
      times,
      counts,
    };
    this.asOf = [];
    this.memberGroup = [];
    this.members = new Int32Array(0);
    return grouped;
  }
}

/**
 * A view of member m's events with type indices translated to the schema's (−1 for types it does not know).
 * `schemaTypes` comes from `schemaTypeMap`, computed once per data set.
 */
export function memberEventsView(activity: GroupedActivity, schemaTypes: Int16Array, member: number): MemberEvents {
  return {
    types: schemaTypes,
    times: activity.times,
    counts: activity.counts,
    start: activity.offsets[member] as number,
    end: activity.offsets[member + 1] as number,
  };
}

/** The events' type column re-indexed to the schema's vocabulary, once for all members. */
export function schemaTypeMap(activity: GroupedActivity, schema: ChurnFeatureSchema): Int16Array {
  const index = new Map(schema.eventTypes.map((type, i) => [type, i]));
  const translate = activity.typeNames.map((name) => index.get(name) ?? -1);
  const mapped = new Int16Array(activity.types.length);
  for (let i = 0; i < mapped.length; i += 1) mapped[i] = translate[activity.types[i] as number] as number;
  return mapped;
}
