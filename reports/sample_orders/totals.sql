SELECT
  count(*) AS orders,
  coalesce(sum(total_price), 0) AS revenue,
  coalesce(sum(total_discounts), 0) AS discounts,
  (SELECT count(*) FROM files.orders_update WHERE _file_date = :date) AS updates
FROM files.orders_create
WHERE _file_date = :date
