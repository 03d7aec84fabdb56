"""Sitemaps and sitemap indexes (XML, optionally gzipped), news sitemaps included."""

from yuqing.collect.connectors.sitemap.connector import CONNECTOR

__all__ = ["CONNECTOR"]
