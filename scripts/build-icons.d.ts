/** Types for build-icons.js (used by the icon test). */
export const root: string;
export const ICON_SVG: string;
export const ICON_DIR: string;
export const ICON_SIZES: number[];
export function renderIcon(size: number): Promise<Buffer>;
export function iconPath(size: number): string;
