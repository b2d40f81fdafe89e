-- Seed data for an address form (handmade example in the style of real seed files).
CREATE TABLE ru_regions (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO ru_regions (id, name) VALUES
  (1, 'Республика Адыгея'),
  (2, 'Республика Алтай'),
  (3, 'Алтайский край'),
  (4, 'Амурская область'),
  (5, 'Архангельская область'),
  (6, 'Белгородская область'),
  (7, 'Республика Крым'),
  (8, 'Севастополь');
