// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title ERC-7540 vault with synchronous deposits and asynchronous redemptions.
/// @notice A holder requests a redemption (its shares move into the vault and are pending); the
/// settler prices pending shares at the vault's current share price and burns them (the assets
/// become claimable and leave totalAssets); the controller then claims with redeem or withdraw,
/// which emit the ERC-4626 Withdraw event. One aggregated request per controller (requestId 0).
contract AsyncRedeemVault is ERC4626 {
    using SafeERC20 for IERC20;

    /// ERC-7540 events.
    event RedeemRequest(address indexed controller, address indexed owner, uint256 indexed requestId, address sender, uint256 shares);
    event OperatorSet(address indexed controller, address indexed operator, bool approved);
    /// Settlement of `shares` of `controller`'s pending request for `assets`.
    event RedeemSettled(address indexed controller, uint256 shares, uint256 assets);

    error OnlySettler();
    error NotAuthorized(address caller, address account);
    error ExceedsPending(uint256 shares, uint256 pending);
    error ExceedsClaimable(uint256 amount, uint256 claimable);
    error AsyncRedemption();

    struct Claim {
        uint256 shares;
        uint256 assets;
    }

    address public immutable settler;
    uint8 private immutable offset;
    mapping(address controller => uint256) private pendingShares;
    mapping(address controller => Claim) private claims;
    mapping(address controller => mapping(address operator => bool)) public isOperator;
    /// Assets set aside for settled, unclaimed redemptions (held here, not part of totalAssets).
    uint256 public totalClaimableAssets;
    /// Shares locked by pending requests (held by the vault itself).
    uint256 public totalPendingShares;

    constructor(IERC20 asset_, string memory name_, string memory symbol_, uint8 decimalsOffset_, address settler_)
        ERC20(name_, symbol_)
        ERC4626(asset_)
    {
        offset = decimalsOffset_;
        settler = settler_;
    }

    function _decimalsOffset() internal view override returns (uint8) {
        return offset;
    }

    /// The assets held for the shareholders: everything except what settled redemptions are owed.
    function totalAssets() public view virtual override returns (uint256) {
        return IERC20(asset()).balanceOf(address(this)) - totalClaimableAssets;
    }

    /// ERC-7575: the share token is the vault itself.
    function share() external view returns (address) {
        return address(this);
    }

    function supportsInterface(bytes4 interfaceId) public pure virtual returns (bool) {
        return interfaceId == 0x01ffc9a7 // ERC-165
            || interfaceId == 0xe3bc4e65 // ERC-7540 operator methods
            || interfaceId == 0x620ee8e4 // ERC-7540 asynchronous redemption
            || interfaceId == 0x2f0a18c5; // ERC-7575
    }

    function setOperator(address operator, bool approved) external returns (bool) {
        isOperator[msg.sender][operator] = approved;
        emit OperatorSet(msg.sender, operator, approved);
        return true;
    }

    function _requireAuthorized(address account) internal view {
        if (account != msg.sender && !isOperator[account][msg.sender]) revert NotAuthorized(msg.sender, account);
    }

    /// Locks `shares` of `owner` as a redemption request of `controller`.
    function requestRedeem(uint256 shares, address controller, address owner) external returns (uint256 requestId) {
        _requireAuthorized(owner);
        _transfer(owner, address(this), shares);
        pendingShares[controller] += shares;
        totalPendingShares += shares;
        emit RedeemRequest(controller, owner, 0, msg.sender, shares);
        return 0;
    }

    function pendingRedeemRequest(uint256, address controller) external view returns (uint256) {
        return pendingShares[controller];
    }

    function claimableRedeemRequest(uint256, address controller) external view returns (uint256) {
        return claims[controller].shares;
    }

    /// Assets `controller` can claim now.
    function claimableRedeemAssets(address controller) external view returns (uint256) {
        return claims[controller].assets;
    }

    /// Settles `shares` of `controller`'s pending request at the current share price (rounded down).
    function settleRedeem(address controller, uint256 shares) external returns (uint256 assets) {
        if (msg.sender != settler) revert OnlySettler();
        uint256 pending = pendingShares[controller];
        if (shares > pending) revert ExceedsPending(shares, pending);
        assets = _convertToAssets(shares, Math.Rounding.Floor);
        pendingShares[controller] = pending - shares;
        totalPendingShares -= shares;
        _burn(address(this), shares);
        claims[controller].shares += shares;
        claims[controller].assets += assets;
        totalClaimableAssets += assets;
        emit RedeemSettled(controller, shares, assets);
    }

    function maxRedeem(address controller) public view override returns (uint256) {
        return claims[controller].shares;
    }

    function maxWithdraw(address controller) public view override returns (uint256) {
        return claims[controller].assets;
    }

    function previewRedeem(uint256) public pure override returns (uint256) {
        revert AsyncRedemption();
    }

    function previewWithdraw(uint256) public pure override returns (uint256) {
        revert AsyncRedemption();
    }

    /// Claims `shares` of `controller`'s settled redemption; pays their share of the settled assets.
    function redeem(uint256 shares, address receiver, address controller) public override returns (uint256 assets) {
        _requireAuthorized(controller);
        Claim storage c = claims[controller];
        if (shares > c.shares) revert ExceedsClaimable(shares, c.shares);
        assets = shares == c.shares ? c.assets : Math.mulDiv(c.assets, shares, c.shares, Math.Rounding.Floor);
        _payClaim(c, controller, receiver, assets, shares);
    }

    /// Claims `assets` of `controller`'s settled redemption; uses their share of the settled shares (rounded up).
    function withdraw(uint256 assets, address receiver, address controller) public override returns (uint256 shares) {
        _requireAuthorized(controller);
        Claim storage c = claims[controller];
        if (assets > c.assets) revert ExceedsClaimable(assets, c.assets);
        shares = assets == c.assets ? c.shares : Math.mulDiv(c.shares, assets, c.assets, Math.Rounding.Ceil);
        _payClaim(c, controller, receiver, assets, shares);
    }

    function _payClaim(Claim storage c, address controller, address receiver, uint256 assets, uint256 shares) private {
        c.shares -= shares;
        c.assets -= assets;
        totalClaimableAssets -= assets;
        IERC20(asset()).safeTransfer(receiver, assets);
        emit Withdraw(msg.sender, receiver, controller, assets, shares);
    }
}
