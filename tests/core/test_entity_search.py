from reader.core.entity_search import entity_query, gazetteer_type


def test_gazetteer_entities_are_searched_by_id():
    assert entity_query("Sergue Chogou", "person", "shoigu") == "entity:shoigu"
    assert entity_query("X", "other", "odd-id") == 'entity:"odd-id"'


def test_automatic_names_by_name_and_amounts_as_a_phrase():
    assert entity_query('Jean  "Dupont"', "person") == 'entity:"Jean Dupont"'
    assert entity_query("900 million dollars", "money") == '"900 million dollars"'


def test_suggested_gazetteer_types():
    assert gazetteer_type("place") == "place"
    assert gazetteer_type("money") == "other"
