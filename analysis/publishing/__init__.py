"""Tables → figures, tables, pages and the report: style, plots, export, templates, the catalog."""
