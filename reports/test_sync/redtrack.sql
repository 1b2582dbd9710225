SELECT coalesce(sum(cost), 0) AS spend, count(*) AS rows_loaded FROM redtrack.daily_spend WHERE date = :date
