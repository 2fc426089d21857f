/**
 * A market's settings, as admins see them through `/admin config`: one registry entry per
 * setting (its column, the values it takes, its default), so a later setting (loops on/off,
 * limits) is one more entry here and one more column in the schema, and the command, its menu
 * and the listing follow.
 */
import { eq, sql } from 'drizzle-orm';
import { markets, SETTLEMENTS, type Settlement } from '../db/schema.js';
import { runWrite, type CoreContext } from './context.js';
import { Refusal, type Result } from './errors.js';
import { recordModeration } from './moderation-log.js';

/** The longest a settlement step may be given: 30 days. */
export const MAX_SETTLEMENT_HOURS = 720;

type Column = 'settlement' | 'acceptHours' | 'confirmHours' | 'receiptHours' | 'loops' | 'eventMaxLoop';

interface ChoiceSetting {
  kind: 'choice';
  column: Column;
  choices: readonly string[];
  defaultValue: string;
}

interface HoursSetting {
  kind: 'hours';
  column: Column;
  min: number;
  max: number;
  defaultValue: number;
}

/** On or off, as admins type it; stored as a boolean. */
interface SwitchSetting {
  kind: 'switch';
  column: Column;
  defaultValue: boolean;
}

/** A whole number in a range, or `none` (stored as null): a cap that may be lifted. */
interface LimitSetting {
  kind: 'limit';
  column: Column;
  min: number;
  max: number;
  defaultValue: null;
}

export type SettingSpec = ChoiceSetting | HoursSetting | SwitchSetting | LimitSetting;

const hours = (column: Column, defaultValue: number): HoursSetting => ({ kind: 'hours', column, min: 1, max: MAX_SETTLEMENT_HOURS, defaultValue });

/** Every setting, by the name admins type. The order is the order `/admin config` lists them in. */
export const MARKET_SETTINGS = {
  settlement: { kind: 'choice', column: 'settlement', choices: SETTLEMENTS, defaultValue: 'instant' },
  'accept-hours': hours('acceptHours', 24),
  'confirm-hours': hours('confirmHours', 72),
  'receipt-hours': hours('receiptHours', 72),
  /** Loops of open offers execute by themselves (src/core/loops); instant markets only. */
  loops: { kind: 'switch', column: 'loops', defaultValue: true },
  /** The longest loop (in items) a math-trade event's close may execute; none by default. */
  'event-max-loop': { kind: 'limit', column: 'eventMaxLoop', min: 2, max: 100, defaultValue: null },
} as const satisfies Record<string, SettingSpec>;

export type SettingName = keyof typeof MARKET_SETTINGS;
export const SETTING_NAMES = Object.keys(MARKET_SETTINGS) as SettingName[];

/** A market's settings as stored. */
export interface MarketSettings {
  settlement: Settlement;
  acceptHours: number;
  confirmHours: number;
  receiptHours: number;
  loops: boolean;
  eventMaxLoop: number | null;
}

/** One setting as listed: its name, its value as typed, and whether that is the default. */
export interface SettingValue {
  name: SettingName;
  value: string;
  isDefault: boolean;
  spec: SettingSpec;
}

/** Reads `text` as a value of `spec`, or refuses with the values it takes. */
function parseValue(name: SettingName, spec: SettingSpec, text: string): string | number | boolean | null {
  const value = text.trim().toLowerCase();
  if (spec.kind === 'switch') {
    if (value !== 'on' && value !== 'off') throw new Refusal({ code: 'invalid_setting_value', setting: name, value: text, allowed: 'on, off' });
    return value === 'on';
  }
  if (spec.kind === 'limit') {
    if (value === 'none') return null;
    const limit = /^\d{1,6}$/.test(value) ? Number(value) : NaN;
    if (!(limit >= spec.min && limit <= spec.max)) {
      throw new Refusal({ code: 'invalid_setting_value', setting: name, value: text, allowed: `a whole number from ${spec.min} to ${spec.max}, or none` });
    }
    return limit;
  }
  if (spec.kind === 'choice') {
    if (!spec.choices.includes(value)) throw new Refusal({ code: 'invalid_setting_value', setting: name, value: text, allowed: spec.choices.join(', ') });
    return value;
  }
  const number = /^\d{1,6}$/.test(value) ? Number(value) : NaN;
  if (!(number >= spec.min && number <= spec.max)) {
    throw new Refusal({ code: 'invalid_setting_value', setting: name, value: text, allowed: `a whole number of hours from ${spec.min} to ${spec.max}` });
  }
  return number;
}

export function createMarketSettings(ctx: CoreContext) {
  const { db } = ctx;
  const columns = { settlement: markets.settlement, acceptHours: markets.acceptHours, confirmHours: markets.confirmHours, receiptHours: markets.receiptHours, loops: markets.loops, eventMaxLoop: markets.eventMaxLoop };
  const settingsOf = db.orm.select(columns).from(markets).where(eq(markets.id, sql.placeholder('id'))).prepare();

  const read = (marketId: number): MarketSettings => {
    const row = settingsOf.get({ id: marketId });
    if (!row) throw new Error(`market ${marketId} does not exist`);
    return row;
  };
  const listed = (settings: MarketSettings): SettingValue[] =>
    SETTING_NAMES.map((name) => {
      const spec: SettingSpec = MARKET_SETTINGS[name];
      const value = settings[spec.column];
      // A switch reads as admins type it.
      return { name, value: typeof value === 'boolean' ? (value ? 'on' : 'off') : value === null ? 'none' : String(value), isDefault: value === spec.defaultValue, spec };
    });

  return {
    /** The market's settings as stored (settlement and its step hours). */
    marketSettings: read,

    /** Every setting of the market, in registry order, for `/admin config`. */
    listMarketSettings: (marketId: number): SettingValue[] => listed(read(marketId)),

    /**
     * Admin: sets one setting from its typed value. A value outside the setting's range is
     * refused with the values it takes. Steps already running keep their deadlines. Logged with
     * the value before and after (`adminId` null: the operator changed it).
     */
    setMarketSetting(input: { marketId: number; adminId: number | null; name: SettingName; value: string }): Result<SettingValue> {
      return runWrite(db, () => {
        const spec: SettingSpec = MARKET_SETTINGS[input.name];
        const value = parseValue(input.name, spec, input.value);
        const valueOf = () => listed(read(input.marketId)).find((entry) => entry.name === input.name);
        const before = valueOf();
        db.orm.update(markets).set({ [spec.column]: value }).where(eq(markets.id, input.marketId)).run();
        const setting = valueOf();
        if (!setting) throw new Error(`setting ${input.name} vanished`);
        recordModeration(ctx, { marketId: input.marketId, adminId: input.adminId, action: 'config', detail: { setting: input.name, from: before?.value ?? null, to: setting.value } });
        return setting;
      });
    },
  };
}

export type MarketSettingsApi = ReturnType<typeof createMarketSettings>;
