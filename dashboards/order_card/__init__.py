"""The order card's tabs and panels (one module per tab), used by app_pages/common/order_card.py."""
