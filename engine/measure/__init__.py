"""engine.measure"""
