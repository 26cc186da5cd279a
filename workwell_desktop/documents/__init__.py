"""Documents made with reportlab: employer letters (and, later, summaries). No Qt."""
