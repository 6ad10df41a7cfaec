import type { CatalogData } from './catalog.js';

/** The built-in shop. Replace it with `--catalog file.json` (same shape). */
export const defaultCatalog: CatalogData = {
  qualities: [
    { name: 'common', odds: 60, priceMultiplier: 1 },
    { name: 'uncommon', odds: 25, priceMultiplier: 1.5 },
    { name: 'rare', odds: 10, priceMultiplier: 3 },
    { name: 'epic', odds: 4, priceMultiplier: 8 },
    { name: 'legendary', odds: 1, priceMultiplier: 25 },
  ],
  items: [
    { name: 'sword', category: 'weapon', price: 100 },
    { name: 'axe', category: 'weapon', price: 120 },
    { name: 'bow', category: 'weapon', price: 90 },
    { name: 'dagger', category: 'weapon', price: 45 },
    { name: 'staff', category: 'weapon', price: 110 },
    { name: 'spear', category: 'weapon', price: 80 },
    { name: 'shield', category: 'armour', price: 70 },
    { name: 'helmet', category: 'armour', price: 50 },
    { name: 'chestplate', category: 'armour', price: 150 },
    { name: 'boots', category: 'armour', price: 40 },
    { name: 'gauntlets', category: 'armour', price: 35 },
    { name: 'potion', category: 'consumable', price: 10 },
    { name: 'elixir', category: 'consumable', price: 30 },
    { name: 'scroll', category: 'consumable', price: 25 },
    { name: 'bread', category: 'consumable', price: 2 },
    { name: 'arrows', category: 'ammunition', price: 5 },
    { name: 'ring', category: 'accessory', price: 200 },
    { name: 'amulet', category: 'accessory', price: 250 },
    { name: 'horse', category: 'mount', price: 500 },
    { name: 'pickaxe', category: 'tool', price: 60 },
  ],
};
