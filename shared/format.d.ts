// Types of format.js for the reports (TypeScript), which write numbers by the same rules as the site.
export interface Goal {
  target: number | null;
  direction?: string | null;
}
export declare function fixedShort(value: number, digits: number, goal?: number | null, higherBetter?: boolean): string;
export declare function pct(value: number | null | undefined, digits?: number, goal?: Goal | null): string;
export declare function indicatorText(value: number | null | undefined, unit: string | null | undefined, goal?: Goal | null): string;
export declare function thresholdText(value: number | null | undefined, unit: string | null | undefined): string;
export declare function int(value: number | null | undefined): string;
export declare function dateTime(iso: string | null | undefined): string;
