SELECT
  coalesce(landing_site_source, '(none)') AS source,
  count(*) AS orders,
  sum(total_price) AS revenue
FROM files.orders_create
WHERE _file_date = :date
GROUP BY landing_site_source
ORDER BY count(*) DESC, source
