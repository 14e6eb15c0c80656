from reader.core.entities.actions import entity_query, gazetteer_type


def test_gazetteer_entities_are_searched_by_id():
    assert entity_query("Sergue Chogou", "person", "shoigu") == "entity:shoigu"
    assert entity_query("X", "other", "odd-id") == 'entity:"odd-id"'


def test_automatic_names_by_name_and_amounts_as_a_phrase():
    assert entity_query('Jean  "Dupont"', "person") == 'entity:"Jean Dupont"'
    assert entity_query("900 million dollars", "money") == '"900 million dollars"'


def test_suggested_gazetteer_types():
    assert gazetteer_type("place") == "place"
    assert gazetteer_type("money") == "other"


def test_similar_entities_share_a_word_or_read_alike_and_suggest_a_type():
    from reader.core.entities.actions import similar_entities, suggested_type
    from reader.core.entities.gazetteer import Entity, Gazetteer

    gazetteer = Gazetteer([Entity("snowden", "person", ["Edward Snowden"]), Entity("shoigu", "person", ["Shoigu"]),
                           Entity("russia", "place", ["Russia", "Russland"])])
    assert [e.id for e in similar_entities(gazetteer, "Snowden")] == ["snowden"]
    assert [e.id for e in similar_entities(gazetteer, "Shoygu")] == ["shoigu"]  # spelt alike
    assert similar_entities(gazetteer, "Harbour") == [] and similar_entities(None, "x") == []
    assert suggested_type("Snowden", "en", gazetteer, "place") == "person"
    assert suggested_type("Qwxz", "en", gazetteer, "other") == "other"
