SELECT coalesce(sum(conversions), 0) AS conversions, count(*) AS rows_loaded FROM everflow.daily_stats WHERE date = :date
