export const Role = { Guest: 0, Common: 1, Admin: 10, Root: 100 } as const;
export type Role = (typeof Role)[keyof typeof Role];

export const UserStatus = { Enabled: 1, Disabled: 2, Deleted: 3 } as const;
export const TokenStatus = { Enabled: 1, Disabled: 2, Expired: 3, Exhausted: 4 } as const;
export const ChannelStatus = { Unknown: 0, Enabled: 1, ManuallyDisabled: 2, AutoDisabled: 3 } as const;
export const RedemptionStatus = { Enabled: 1, Disabled: 2, Used: 3 } as const;
export const LogType = { Unknown: 0, Topup: 1, Consume: 2, Manage: 3, System: 4, Test: 5 } as const;
export type LogType = (typeof LogType)[keyof typeof LogType];

/** One API quota units per US dollar. */
export const QUOTA_PER_UNIT = 500000;
