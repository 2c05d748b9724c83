"""bot/services"""
