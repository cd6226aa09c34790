namespace HaloIlertGateway.Delivery;

/// <summary>
/// What ilert has said of an integration key: <see cref="Known"/> (it accepted an event), <see cref="Refused"/> (it
/// answered that there is no such key, for a while), or nothing yet: <see cref="Probation"/>. Operators who list their
/// keys (<see cref="DeliveryOptions.AllowedKeys"/>) make every other key <see cref="NotAllowed"/>.
/// </summary>
internal enum KeyClass
{
    Probation,
    Known,
    Refused,
    NotAllowed,
}
