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

type Column =
  | 'settlement'
  | 'acceptHours'
  | 'confirmHours'
  | 'receiptHours'
  | 'loops'
  | 'eventMaxLoop'
  | 'rateCommands'
  | 'rateSeconds'
  | 'maxOpenOffers'
  | 'newcomerHours'
  | 'accountDays';

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

/**
 * A whole number counted in `unit`, shown with it to admins (`10 commands`, `30 seconds`). With
 * `offAtZero`, 0 turns the limit off and lists as `off`.
 */
interface AmountSetting {
  kind: 'amount';
  column: Column;
  unit: SettingUnit;
  min: number;
  max: number;
  defaultValue: number;
  offAtZero?: true;
}

/** The units amounts are counted in; the message catalog words them. */
export type SettingUnit = 'commands' | 'seconds' | 'offers' | 'hours' | 'days';

export type SettingSpec = ChoiceSetting | HoursSetting | SwitchSetting | LimitSetting | AmountSetting;

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
  // Limits against abuse (limits.ts).
  /** Commands a member may send in any `rate-seconds`; admins' /admin commands are not counted. */
  'rate-commands': { kind: 'amount', column: 'rateCommands', unit: 'commands', min: 1, max: 10_000, defaultValue: 10 },
  'rate-seconds': { kind: 'amount', column: 'rateSeconds', unit: 'seconds', min: 1, max: 3600, defaultValue: 30 },
  'max-open-offers': { kind: 'amount', column: 'maxOpenOffers', unit: 'offers', min: 1, max: 100_000, defaultValue: 20 },
  /** The newcomer gate: time in the market before posting or accepting. */
  'newcomer-hours': { kind: 'amount', column: 'newcomerHours', unit: 'hours', min: 0, max: MAX_SETTLEMENT_HOURS, defaultValue: 0, offAtZero: true },
  /** The newcomer gate on Discord: the account's age (from its id) before posting or accepting. */
  'account-days': { kind: 'amount', column: 'accountDays', unit: 'days', min: 0, max: 3650, defaultValue: 0, offAtZero: true },
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
  rateCommands: number;
  rateSeconds: number;
  maxOpenOffers: number;
  newcomerHours: number;
  accountDays: number;
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
  if (spec.kind === 'amount' && spec.offAtZero && value === 'off') return 0;
  const number = /^\d{1,6}$/.test(value) ? Number(value) : NaN;
  if (!(number >= spec.min && number <= spec.max)) {
    const unit = spec.kind === 'amount' ? spec.unit : 'hours';
    const off = spec.kind === 'amount' && spec.offAtZero ? ' (0 or off: no limit)' : '';
    throw new Refusal({ code: 'invalid_setting_value', setting: name, value: text, allowed: `a whole number of ${unit} from ${spec.min} to ${spec.max}${off}` });
  }
  return number;
}

export function createMarketSettings(ctx: CoreContext) {
  const { db } = ctx;
  const columns = {
    settlement: markets.settlement,
    acceptHours: markets.acceptHours,
    confirmHours: markets.confirmHours,
    receiptHours: markets.receiptHours,
    loops: markets.loops,
    eventMaxLoop: markets.eventMaxLoop,
    rateCommands: markets.rateCommands,
    rateSeconds: markets.rateSeconds,
    maxOpenOffers: markets.maxOpenOffers,
    newcomerHours: markets.newcomerHours,
    accountDays: markets.accountDays,
  };
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
      // A switch reads as admins type it, and so do a limit turned off and a cap lifted.
      const shown =
        typeof value === 'boolean' ? (value ? 'on' : 'off') : value === null ? 'none' : spec.kind === 'amount' && spec.offAtZero && value === 0 ? 'off' : String(value);
      return { name, value: shown, isDefault: value === spec.defaultValue, spec };
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
