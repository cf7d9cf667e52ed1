from quartier.core.errors import DomainError


class PointOutsideCity(DomainError):
    code = "outside_city"


class InvalidGeoData(DomainError):
    code = "invalid_geodata"


class DistrictInUse(DomainError):
    code = "district_in_use"
