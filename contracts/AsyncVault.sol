// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {AsyncRedeemVault} from "./AsyncRedeemVault.sol";

/// @title A fully asynchronous ERC-7540 vault: asynchronous deposits and redemptions.
/// @notice A depositor requests a deposit (its assets move into the vault and are pending, not
/// part of totalAssets); the settler settles pending assets at the vault's current share price:
/// the assets join totalAssets and the shares are minted to the vault, claimable by the
/// controller; the controller then claims them with deposit or mint, which move the shares to
/// the receiver and emit Deposit(controller, receiver, assets, shares). Redemptions work as in
/// AsyncRedeemVault. One aggregated request per controller (requestId 0).
contract AsyncVault is AsyncRedeemVault {
    using SafeERC20 for IERC20;

    /// ERC-7540 event.
    event DepositRequest(address indexed controller, address indexed owner, uint256 indexed requestId, address sender, uint256 assets);
    /// Settlement of `assets` of `controller`'s pending deposit request for `shares`.
    event DepositSettled(address indexed controller, uint256 assets, uint256 shares);

    error AsyncDeposit();
    error ExceedsPendingAssets(uint256 assets, uint256 pending);

    mapping(address controller => uint256) private pendingAssets;
    mapping(address controller => Claim) private depositClaims;
    /// Assets of pending deposit requests (held here, not part of totalAssets).
    uint256 public totalPendingDepositAssets;

    constructor(IERC20 asset_, string memory name_, string memory symbol_, uint8 decimalsOffset_, address settler_)
        AsyncRedeemVault(asset_, name_, symbol_, decimalsOffset_, settler_)
    {}

    /// The assets held for the shareholders: neither owed to settled redemptions nor requested for deposit.
    function totalAssets() public view override returns (uint256) {
        return super.totalAssets() - totalPendingDepositAssets;
    }

    function supportsInterface(bytes4 interfaceId) public pure override returns (bool) {
        return interfaceId == 0xce3bbe50 // ERC-7540 asynchronous deposit
            || super.supportsInterface(interfaceId);
    }

    /// Takes `assets` from `owner` as a deposit request of `controller`.
    function requestDeposit(uint256 assets, address controller, address owner) external returns (uint256 requestId) {
        _requireAuthorized(owner);
        IERC20(asset()).safeTransferFrom(owner, address(this), assets);
        pendingAssets[controller] += assets;
        totalPendingDepositAssets += assets;
        emit DepositRequest(controller, owner, 0, msg.sender, assets);
        return 0;
    }

    function pendingDepositRequest(uint256, address controller) external view returns (uint256) {
        return pendingAssets[controller];
    }

    function claimableDepositRequest(uint256, address controller) external view returns (uint256) {
        return depositClaims[controller].assets;
    }

    /// Settles `assets` of `controller`'s pending deposit at the current share price (rounded down);
    /// the shares are minted to the vault until claimed.
    function settleDeposit(address controller, uint256 assets) external returns (uint256 shares) {
        if (msg.sender != settler) revert OnlySettler();
        uint256 pending = pendingAssets[controller];
        if (assets > pending) revert ExceedsPendingAssets(assets, pending);
        shares = _convertToShares(assets, Math.Rounding.Floor);
        pendingAssets[controller] = pending - assets;
        totalPendingDepositAssets -= assets;
        _mint(address(this), shares);
        depositClaims[controller].assets += assets;
        depositClaims[controller].shares += shares;
        emit DepositSettled(controller, assets, shares);
    }

    function maxDeposit(address controller) public view override returns (uint256) {
        return depositClaims[controller].assets;
    }

    function maxMint(address controller) public view override returns (uint256) {
        return depositClaims[controller].shares;
    }

    function previewDeposit(uint256) public pure override returns (uint256) {
        revert AsyncDeposit();
    }

    function previewMint(uint256) public pure override returns (uint256) {
        revert AsyncDeposit();
    }

    /// Claims `assets` of the caller's settled deposit.
    function deposit(uint256 assets, address receiver) public override returns (uint256) {
        return deposit(assets, receiver, msg.sender);
    }

    /// Claims `assets` of `controller`'s settled deposit; receives their share of the minted shares (rounded down).
    function deposit(uint256 assets, address receiver, address controller) public returns (uint256 shares) {
        _requireAuthorized(controller);
        Claim storage c = depositClaims[controller];
        if (assets > c.assets) revert ExceedsClaimable(assets, c.assets);
        shares = assets == c.assets ? c.shares : Math.mulDiv(c.shares, assets, c.assets, Math.Rounding.Floor);
        _claimShares(c, controller, receiver, assets, shares);
    }

    /// Claims `shares` of the caller's settled deposit.
    function mint(uint256 shares, address receiver) public override returns (uint256) {
        return mint(shares, receiver, msg.sender);
    }

    /// Claims `shares` of `controller`'s settled deposit; uses their share of the settled assets (rounded up).
    function mint(uint256 shares, address receiver, address controller) public returns (uint256 assets) {
        _requireAuthorized(controller);
        Claim storage c = depositClaims[controller];
        if (shares > c.shares) revert ExceedsClaimable(shares, c.shares);
        assets = shares == c.shares ? c.assets : Math.mulDiv(c.assets, shares, c.shares, Math.Rounding.Ceil);
        _claimShares(c, controller, receiver, assets, shares);
    }

    function _claimShares(Claim storage c, address controller, address receiver, uint256 assets, uint256 shares) private {
        c.assets -= assets;
        c.shares -= shares;
        _transfer(address(this), receiver, shares);
        emit Deposit(controller, receiver, assets, shares);
    }
}
