from tests.factories import claim, key


def test_register_and_read(intake, rpc_as):
    rpc = rpc_as("window")
    case = rpc.intake.register_case(claim(), key())
    assert case["status"] == "IN_RECEIVED"
    got = rpc.intake.get_case(case["case_id"])
    assert got["case_no"] == case["case_no"]
    print(case)
