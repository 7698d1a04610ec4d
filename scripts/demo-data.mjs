// A realistic, messy users feed for the demo: inconsistent e-mail case and spacing, country
// spellings, names with stray spaces, quotes, commas, newlines, emoji, NULL next to '', and the
// same user updated several times within one day.

/** Small deterministic PRNG so the demo prints the same numbers on every machine. */
function prng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Ada', 'Grace', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances', 'Alan', 'Radia', 'José', 'Zoë', 'Søren', 'Ngozi', 'Priya'];
const LAST = ['Lovelace', 'Hopper', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Ritchie', 'Allen', 'Turing', 'Perlman', "O'Brien", 'Müller', 'Nakamura'];
const COUNTRIES = ['us', 'USA', 'United States', ' US ', 'de', 'Germany', ' DE', 'france', 'FR', 'India', 'IN', 'brasil', 'Brazil', 'BR'];
const NOTES = [null, '', 'VIP, "gold" tier', 'line one\nline two', 'tab\tseparated', 'back\\slash', 'emoji 🎉🚀', 'plain'];

export const DDL = `
CREATE TABLE public.users_raw (
  user_id        bigint NOT NULL,
  email          text,
  full_name      text,
  country        text,
  signup_at      timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL,
  is_active      boolean,
  lifetime_value numeric(38,10),
  notes          text
)`;

/**
 * Rows for one day: `newUsers` first-time users, `updates` users from earlier days changing,
 * and a handful of users updated twice within the day (the later update must win).
 */
export function dayOfUsers({ day, firstId, newUsers, updates, seed }) {
  const rand = prng(seed);
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const at = (hour) => new Date(Date.parse(`${day}T00:00:00Z`) + hour * 3_600_000 + Math.floor(rand() * 3_600_000));
  const row = (id, hour) => {
    const first = pick(FIRST);
    const last = pick(LAST);
    const email = `${rand() < 0.3 ? '  ' : ''}${first}.${last}${id}@Example.COM`.replace("'", '');
    return {
      user_id: id,
      email: rand() < 0.5 ? email.toLowerCase() : email,
      full_name: rand() < 0.2 ? `  ${first}   ${last} ` : `${first} ${last}`,
      country: pick(COUNTRIES),
      signup_at: new Date(Date.parse('2025-01-01T00:00:00Z') + id * 3_600_000),
      updated_at: at(hour),
      is_active: rand() < 0.1 ? null : rand() < 0.85,
      lifetime_value: (rand() * 10_000).toFixed(10),
      notes: pick(NOTES),
    };
  };
  const rows = [];
  for (let i = 0; i < newUsers; i++) rows.push(row(firstId + i, Math.floor(rand() * 20)));
  for (let i = 0; i < updates; i++) rows.push(row(1 + Math.floor(rand() * Math.max(firstId - 1, 1)), Math.floor(rand() * 20)));
  // Same user twice in one day: the 23:xx row is the latest and must be the one kept.
  for (let i = 0; i < 5; i++) {
    const id = firstId + i;
    const late = row(id, 23);
    late.full_name = `${late.full_name} (updated late)`;
    rows.push(late);
  }
  return rows;
}

export const COLUMNS = ['user_id', 'email', 'full_name', 'country', 'signup_at', 'updated_at', 'is_active', 'lifetime_value', 'notes'];
