/** One entry of an ActionMenu. */
export interface MenuItem {
  id: string;
  label: string;
  danger?: boolean;
  disabled?: boolean;
  title?: string;
  onselect: () => void;
}
