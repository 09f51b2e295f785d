"""What every layer shares, importing no other layer: item shapes (items), settings (config),
text hygiene (textclean) and folding (fold), the database schema and state API (db), the raw
archive (archive) and snippet highlighting (highlight). See docs/ARCHITECTURE.md."""
